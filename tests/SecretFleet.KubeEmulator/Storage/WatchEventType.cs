namespace SecretFleet.KubeEmulator;

/// <summary>The watch event types of the Kubernetes API.</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}
