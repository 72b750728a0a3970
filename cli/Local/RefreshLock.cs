using SecretFleet.Cli.Commands;

namespace SecretFleet.Cli.Local;

/// <summary>
/// The fleet directory's <c>refresh.lock</c>: whoever holds it (the CLI's <c>refresh</c>, or the
/// background coordinator) is the only coordinator of the fleet. .NET takes an exclusive
/// advisory lock (flock) for <see cref="FileShare.None"/> on Unix; the kernel drops it when the
/// holder dies, so a crashed coordinator never leaves the fleet locked.
/// </summary>
internal sealed class RefreshLock : IDisposable
{
    public const string FileName = "refresh.lock";
    private readonly FileStream _stream;

    private RefreshLock(FileStream stream) => _stream = stream;

    public static RefreshLock? TryAcquire(string fleetDirectory)
    {
        try
        {
            return new RefreshLock(new FileStream(Path.Combine(fleetDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits for the lock; <paramref name="waiting"/> is called once if it has to wait.</summary>
    public static async Task<RefreshLock> AcquireAsync(string fleetDirectory, TimeSpan timeout, Action? waiting, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var told = false;
        while (true)
        {
            if (TryAcquire(fleetDirectory) is { } acquired)
            {
                return acquired;
            }
            if (!told)
            {
                waiting?.Invoke();
                told = true;
            }
            if (time.GetUtcNow() >= deadline)
            {
                throw CliException.Other($"Another refresh or recovery of the fleet in {fleetDirectory} is still running after {timeout.TotalSeconds:0} s; try again when it is done.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stream.Dispose();
}
