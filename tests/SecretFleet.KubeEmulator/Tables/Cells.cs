using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>Small cell functions for built-in printer columns.</summary>
internal static class Cells
{
    public static TableColumn Name { get; } =
        new("Name", "string", "name", "Name must be unique within a namespace.", 0, o => Text(o, "metadata", "name"));

    /// <summary>The creation time; the table converter turns <c>date</c> cells into ages like kubectl shows.</summary>
    public static TableColumn Age { get; } =
        new("Age", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
            o => Text(o, "metadata", "creationTimestamp"));

    public static TableColumn Column(string name, Func<JsonObject, JsonNode?> cell, int priority = 0, string type = "string") =>
        new(name, type, "", name, priority, cell);

    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) ? child : null;
        }

        return node;
    }

    public static JsonNode? Text(JsonNode? node, params string[] path) => At(node, path)?.DeepClone();

    public static string TextOr(JsonNode? node, string fallback, params string[] path) =>
        Json.String(At(node, path)) ?? At(node, path)?.ToJsonString() ?? fallback;

    public static long Number(JsonNode? node, params string[] path) =>
        Json.TryInteger(At(node, path), out var n) ? n : 0;

    public static int Count(JsonNode? node, params string[] path) => At(node, path) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    public static string Ratio(long ready, long total) =>
        string.Create(CultureInfo.InvariantCulture, $"{ready}/{total}");
}
