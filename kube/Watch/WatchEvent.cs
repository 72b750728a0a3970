using k8s;
using k8s.Models;

namespace SecretFleet.Kube.Watch;

/// <summary>One line of a watch stream.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, V1Status? Status = null)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The version to resume from after this event (null for <see cref="WatchEventType.Expired"/>).</summary>
    public string? ResourceVersion => Object?.Metadata?.ResourceVersion;
}

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>No change, only a newer resourceVersion to resume from (allowWatchBookmarks).</summary>
    Bookmark,

    /// <summary>
    /// The version we watched from is gone (HTTP 410 or an ERROR event with code 410). The stream ends
    /// after this event; list again and watch from the list's version.
    /// </summary>
    Expired,
}
