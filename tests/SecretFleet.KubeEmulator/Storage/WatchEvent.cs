using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One change in the store (or a bookmark / error for a watcher). <see cref="Object"/> is the state after
/// the change; for DELETED the last state, with the resourceVersion of the deletion.
/// </summary>
internal sealed record WatchEvent(WatchEventType Type, GroupResource Resource, long ResourceVersion, StoredObject? Object, ApiStatus? Error = null)
{
    public string TypeName => Type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    /// <summary>The event line a watch stream carries, <c>{"type":…,"object":…}</c>, given the object as it is sent.</summary>
    public static byte[] Line(string type, JsonNode payload)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = payload };
        return System.Text.Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
    }
}
