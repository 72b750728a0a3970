using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Observability;

/// <summary>
/// Share counts, recounted in the background: counting a million rows on every scrape or Info
/// call would cost more than the call itself. A count waits at least <see cref="MinimumPeriod"/>
/// and at least <see cref="CostRatio"/> times as long as the last one took, so counting never
/// takes more than about 2 % of a core however many shares the node holds.
/// </summary>
internal sealed class StoreStatistics(ShareStore store, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(10);
    private const int CostRatio = 50;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private (long Secrets, long Rows) _latest;

    public (long Secrets, long Rows) Latest => _latest;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _latest = await store.CountAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    private async Task LoopAsync()
    {
        var lastCost = TimeSpan.Zero;
        try
        {
            while (true)
            {
                var wait = lastCost * CostRatio > MinimumPeriod ? lastCost * CostRatio : MinimumPeriod;
                await Task.Delay(wait, time, _stop.Token).ConfigureAwait(false);
                var started = time.GetTimestamp();
                _latest = await store.CountAsync(_stop.Token).ConfigureAwait(false);
                lastCost = time.GetElapsedTime(started);
                await store.Database.RetryPendingErasureAsync(TimeSpan.FromSeconds(2), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
