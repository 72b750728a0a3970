namespace SecretFleet.Cluster.Tests.Emulator;

/// <summary>The watch event types of the Kubernetes API.</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}
