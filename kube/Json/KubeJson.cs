using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SecretFleet.Kube.Json;

/// <summary>The JSON settings of the Kubernetes API: camelCase, nulls left out, RFC 3339 times, string enums.</summary>
/// <remarks>
/// Reflection-based on purpose: System.Text.Json source generation (.NET 10) sets every init-only property
/// through the object initializer, so a field missing from the JSON overwrites its C# default with zero
/// (an empty spec would read as replicas 0 instead of 3). Reflection keeps the initializers.
/// </remarks>
public static class KubeJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            Converters = { new KubeTimeConverter() },
        };
        options.MakeReadOnly();
        return options;
    }
}
