using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Which part of an object a write may touch and a field manager may own: the main resource of a kind with a
/// status subresource leaves <c>status</c> alone, its <c>/status</c> touches only <c>status</c>.
/// Identity and system metadata are never owned.
/// </summary>
internal sealed record FieldScope(bool StatusOnly, bool ExcludeStatus)
{
    private static readonly HashSet<string> SystemMetadata =
    [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ];

    public static FieldScope Everything { get; } = new(false, false);

    public static FieldScope For(ResourceType type, string? subresource) =>
        subresource == "status" ? new FieldScope(true, false) : new FieldScope(false, type.HasStatus);

    public bool Includes(string topLevelField) => topLevelField switch
    {
        "apiVersion" or "kind" => false,
        "status" => !ExcludeStatus,
        _ => !StatusOnly,
    };

    public static bool IsSystemMetadata(string field) => SystemMetadata.Contains(field);

    /// <summary>The fields of <paramref name="obj"/> this scope covers (identity kept so the result is still an object).</summary>
    public JsonObject Filter(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" || Includes(key))
            {
                copy[key] = value?.DeepClone();
            }
            else if (key == "metadata" && value is JsonObject metadata)
            {
                copy[key] = new JsonObject(metadata.Where(p => p.Key is "name" or "namespace" or "resourceVersion")
                    .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
            }
        }

        return copy;
    }
}
