using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Which lists are maps keyed by some of their items' fields (strategic merge patch's patchMergeKey,
/// server-side apply's <c>listType=map</c>). The emulator knows the well-known ones by field name;
/// every other list is atomic (replaced as a whole).
/// </summary>
internal static class ListMapKeys
{
    private static readonly Dictionary<string, string[]> ByField = new(StringComparer.Ordinal)
    {
        ["containers"] = ["name"],
        ["initContainers"] = ["name"],
        ["ephemeralContainers"] = ["name"],
        ["env"] = ["name"],
        ["volumes"] = ["name"],
        ["volumeMounts"] = ["mountPath"],
        ["conditions"] = ["type"],
        ["imagePullSecrets"] = ["name"],
        ["ownerReferences"] = ["uid"],
    };

    /// <summary>The key fields for a list under <paramref name="field"/>, or null when the list is atomic.</summary>
    public static string[]? For(string field, params IEnumerable<JsonNode?>?[] lists)
    {
        var items = lists.Where(l => l is not null).SelectMany(l => l!).ToList();
        string[]? keys = field switch
        {
            "ports" when items.Count > 0 && items.TrueForAll(i => i is JsonObject o && o.ContainsKey("containerPort")) => ["containerPort"],
            "ports" when items.Count > 0 && items.TrueForAll(i => i is JsonObject o && o.ContainsKey("port")) => ["port"],
            _ => ByField.GetValueOrDefault(field),
        };
        return keys is not null && items.TrueForAll(i => i is JsonObject o && keys.All(k => o[k] is JsonValue)) ? keys : null;
    }

    /// <summary>The item's key as server-side apply writes it in managedFields: compact JSON of the key fields.</summary>
    public static string KeyOf(JsonObject item, string[] keys)
    {
        var key = new JsonObject();
        foreach (var k in keys.Order(StringComparer.Ordinal))
        {
            key[k] = item[k]?.DeepClone();
        }

        return key.ToJsonString();
    }

    public static JsonObject? Find(JsonArray list, string[] keys, string key) =>
        list.OfType<JsonObject>().FirstOrDefault(i => KeyOf(i, keys) == key);
}
