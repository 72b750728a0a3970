namespace SecretFleet.Cli.Output;

/// <summary>
/// Reports progress on the caller's thread, in order. <see cref="Progress{T}"/> posts to the thread
/// pool, so a bar could move backwards or update after the operation finished.
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
