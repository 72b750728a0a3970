using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers.</summary>
internal static class JsonPatch
{
    /// <summary>Applies the operations in order; on failure returns the reason, as a real server's 422 would.</summary>
    public static (JsonNode? Result, string? Error) Apply(JsonNode document, JsonArray operations)
    {
        var root = document.DeepClone();
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = Json.String(operation["op"]);
            var path = Json.String(operation["path"]) ?? "";
            var error = op switch
            {
                "add" => Add(ref root, path, operation["value"]?.DeepClone()),
                "remove" => Remove(root, path).Error,
                "replace" => Remove(root, path).Error ?? Add(ref root, path, operation["value"]?.DeepClone()),
                "move" => Move(ref root, Json.String(operation["from"]) ?? "", path, copy: false),
                "copy" => Move(ref root, Json.String(operation["from"]) ?? "", path, copy: true),
                "test" => JsonNode.DeepEquals(Resolve(root, path), operation["value"]) ? null : $"testing value {path} failed",
                _ => $"Unexpected kind: {op}",
            };
            if (error is not null)
            {
                return (null, error);
            }
        }

        return (root, null);
    }

    private static string? Move(ref JsonNode root, string from, string path, bool copy)
    {
        var value = Resolve(root, from)?.DeepClone();
        if (value is null)
        {
            return $"missing value at {from}";
        }

        return (copy ? null : Remove(root, from).Error) ?? Add(ref root, path, value);
    }

    private static string? Add(ref JsonNode root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            root = value ?? new JsonObject();
            return null;
        }

        var (parent, last) = Split(path);
        switch (Resolve(root, parent))
        {
            case JsonObject o:
                o[last] = value;
                return null;
            case JsonArray a when last == "-":
                a.Add(value);
                return null;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                return null;
            default:
                return $"doc is missing path: \"{path}\"";
        }
    }

    private static (JsonNode? Removed, string? Error) Remove(JsonNode root, string path)
    {
        var (parent, last) = Split(path);
        switch (Resolve(root, parent))
        {
            case JsonObject o when o.ContainsKey(last):
                var removed = o[last];
                o.Remove(last);
                return (removed, null);
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return (item, null);
            default:
                return (null, $"doc is missing path: \"{path}\"");
        }
    }

    private static JsonNode? Resolve(JsonNode? node, string pointer)
    {
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(token, out var child) ? child : null,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    private static (string Parent, string Last) Split(string pointer)
    {
        var at = pointer.LastIndexOf('/');
        return (pointer[..Math.Max(at, 0)], Unescape(pointer[(at + 1)..]));
    }

    private static IEnumerable<string> Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(Unescape);

    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}
