using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One object as stored: its serialized JSON (immutable, so watchers on any thread can share it)
/// and the metadata the store indexes on. Parse gives each caller its own mutable copy.
/// </summary>
internal sealed record StoredObject(
    GroupResource Resource,
    string? Namespace,
    string Name,
    string Uid,
    long ResourceVersion,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> OwnerUids,
    IReadOnlyList<string> Finalizers,
    bool Deleting,
    byte[] Json)
{
    public static StoredObject From(GroupResource resource, JsonObject obj, long resourceVersion) =>
        new(resource,
            ObjectMeta.Namespace(obj),
            ObjectMeta.Name(obj),
            ObjectMeta.Uid(obj),
            resourceVersion,
            ObjectMeta.Labels(obj),
            [.. ObjectMeta.OwnerReferences(obj).Select(r => KubeEmulator.Json.String(r["uid"]) ?? "")],
            ObjectMeta.Finalizers(obj),
            ObjectMeta.IsDeleting(obj),
            System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString()));

    public JsonObject Parse() => JsonNode.Parse(Json)!.AsObject();
}
