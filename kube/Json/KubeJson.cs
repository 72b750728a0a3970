using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SecretFleet.Kube.Json;

/// <summary>The JSON settings of the Kubernetes API: camelCase, nulls left out, RFC 3339 times, string enums.</summary>
public static class KubeJson
{
    /// <summary>
    /// Source-generated for our kinds, reflection for the rest, so callers may (de)serialize their own
    /// records with the same conventions.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(KubeJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(KubeJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}
