using k8s;
using k8s.Models;

namespace SecretFleet.Kube.Watch;

/// <summary>
/// What a <see cref="ListWatch{T}"/> saw. <see cref="ListWatchEventType.Resynced"/> carries the full list
/// after every (re)list in <see cref="Snapshot"/>; the others carry the changed <see cref="Object"/>.
/// </summary>
public sealed record ListWatchEvent<T>(ListWatchEventType Type, T? Object, IReadOnlyList<T> Snapshot)
    where T : class, IKubernetesObject<V1ObjectMeta>;

public enum ListWatchEventType
{
    Added,
    Modified,

    /// <summary>Deleted; also reported for objects that vanished while the watch was down (found by a relist).</summary>
    Deleted,

    /// <summary>A list completed: <see cref="ListWatchEvent{T}.Snapshot"/> is the whole current state.</summary>
    Resynced,
}
