using System.Text.Json.Nodes;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// JSON text that depends on content only: object members sorted by name (ordinal), at every depth; arrays keep
/// their order. What a hash of a built object is taken over, so that it does not change when the builder (or a
/// typed model that replaces it) writes the same members in another order.
/// </summary>
internal static class CanonicalJson
{
    public static string Of(JsonNode? node) => Sorted(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
