using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace SecretFleet.Kube.Json;

/// <summary>
/// The JSON settings of the Kubernetes API, for the library's models (<c>k8s.Models</c>) and ours alike: camelCase,
/// nulls left out, RFC 3339 times, string enums. The library's models bring their own converters for quantities and
/// int-or-string; their <see cref="DateTime"/> times go through the library's converter, ours
/// (<see cref="DateTimeOffset"/>) through <see cref="KubeTimeConverter"/>.
/// </summary>
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
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { MicroTimes } },
            Converters = { new KubeTimeConverter(), new KubernetesJson.KubernetesDateTimeConverter() },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>An Event's <c>eventTime</c> is a MicroTime, the one among the library's models we write; every other time is a metav1.Time.</summary>
    private static void MicroTimes(JsonTypeInfo type)
    {
        if (type.Type == typeof(Eventsv1Event) && type.Properties.FirstOrDefault(p => p.Name == "eventTime") is { } eventTime)
        {
            eventTime.CustomConverter = new MicroTimeConverter();
        }
    }
}
