using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>Reads and writes of <c>metadata</c> on untyped objects.</summary>
internal static class ObjectMeta
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? String(JsonObject obj, string field) =>
        Json.String(obj["metadata"]?[field]);

    public static string Name(JsonObject obj) => String(obj, "name") ?? "";

    public static string? Namespace(JsonObject obj) => String(obj, "namespace");

    public static string Uid(JsonObject obj) => String(obj, "uid") ?? "";

    public static string? ResourceVersion(JsonObject obj) => String(obj, "resourceVersion");

    public static bool IsDeleting(JsonObject obj) => String(obj, "deletionTimestamp") is not null;

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) => StringMap(obj, "labels");

    public static IReadOnlyDictionary<string, string> Annotations(JsonObject obj) => StringMap(obj, "annotations");

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        obj["metadata"] is JsonObject m && m["finalizers"] is JsonArray a
            ? [.. a.Select(f => Json.String(f) ?? "")]
            : [];

    public static void SetFinalizers(JsonObject obj, IEnumerable<string> finalizers)
    {
        var list = finalizers.ToList();
        var metadata = Metadata(obj);
        if (list.Count == 0)
        {
            metadata.Remove("finalizers");
        }
        else
        {
            metadata["finalizers"] = new JsonArray([.. list.Select(f => (JsonNode)f)]);
        }
    }

    public static IReadOnlyList<JsonObject> OwnerReferences(JsonObject obj) =>
        obj["metadata"] is JsonObject m && m["ownerReferences"] is JsonArray a ? [.. a.OfType<JsonObject>()] : [];

    public static long Generation(JsonObject obj) =>
        Json.TryInteger(obj["metadata"]?["generation"], out var g) ? g : 0;

    private static Dictionary<string, string> StringMap(JsonObject obj, string field)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"] is JsonObject m && m[field] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                map[key] = Json.String(value) ?? value?.ToJsonString() ?? "";
            }
        }

        return map;
    }
}
