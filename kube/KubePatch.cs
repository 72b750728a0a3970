using System.Text.Json.Nodes;

namespace SecretFleet.Kube;

/// <summary>A PATCH body with its content type. Server-side apply has its own methods.</summary>
public sealed record KubePatch(KubePatchType Type, JsonNode Body)
{
    /// <summary>Recorded in managedFields as the writer of the patched fields (the server picks one from the user agent when null).</summary>
    public string? FieldManager { get; init; }

    /// <summary>RFC 7386 merge patch: objects merge, null deletes a key, lists are replaced.</summary>
    public static KubePatch Merge(JsonNode body) => new(KubePatchType.Merge, body);

    /// <summary>RFC 6902 JSON patch (supports "test" for conditional edits, e.g. removing one finalizer).</summary>
    public static KubePatch Json(JsonArray operations) => new(KubePatchType.Json, operations);

    /// <summary>Sets (or, with a null value, removes) annotations and leaves the rest of the object alone.</summary>
    public static KubePatch Annotations(IEnumerable<KeyValuePair<string, string?>> annotations)
    {
        var values = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            values[key] = value;
        }

        return Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = values } });
    }
}

public enum KubePatchType
{
    Merge,
    Json,
    StrategicMerge,
}
