using System.Collections.Concurrent;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Audit rows of reads, written in batches (one transaction every 100 ms at most) instead of one
/// durable write per Get: a read must not cost a disk flush. A crash may lose the last 100 ms
/// of read-audit rows; writes are audited in their own transaction and never lost.
/// </summary>
internal sealed class ReadAuditBuffer : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentQueue<AuditEntry> _pending = new();
    private readonly Func<IReadOnlyList<AuditEntry>, Task> _write;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SemaphoreSlim _flush = new(1, 1);

    public ReadAuditBuffer(Func<IReadOnlyList<AuditEntry>, Task> write, TimeProvider time)
    {
        _write = write;
        _loop = Task.Run(() => LoopAsync(time), CancellationToken.None);
    }

    public void Add(AuditEntry entry) => _pending.Enqueue(entry);

    public async Task FlushAsync()
    {
        await _flush.WaitAsync().ConfigureAwait(false);
        try
        {
            var batch = new List<AuditEntry>();
            while (_pending.TryDequeue(out var entry))
            {
                batch.Add(entry);
            }
            if (batch.Count > 0)
            {
                await _write(batch).ConfigureAwait(false);
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    private async Task LoopAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final flush happens in DisposeAsync.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        _stop.Dispose();
        _flush.Dispose();
    }
}
