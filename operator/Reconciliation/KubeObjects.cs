using System.Text.Json;
using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Small helpers over untyped objects.</summary>
internal static class KubeObjects
{
    /// <summary>An untyped object as a typed kind (through its JSON).</summary>
    public static T As<T>(KubeObject obj) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(obj, KubeJson.Options), KubeJson.Options)
        ?? throw new JsonException($"{obj.Kind} {obj.Metadata.Name} did not convert to {typeof(T).Name}.");

    /// <summary>The condition of <paramref name="type"/> in <c>status.conditions</c> of an untyped object.</summary>
    public static JsonObject? Condition(KubeObject obj, string type) =>
        obj.Body["status"]?["conditions"] is JsonArray conditions
            ? conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type)
            : null;

    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
