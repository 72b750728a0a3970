using Microsoft.Extensions.Hosting;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Observability;

/// <summary>
/// Share counts, recounted in the background: counting a million rows on every scrape or Info
/// call would cost more than the call itself. A count waits at least <see cref="MinimumPeriod"/>
/// and at least <see cref="CostRatio"/> times as long as the last one took, so counting never
/// takes more than about 2 % of a core however many shares the node holds. Each round also
/// retries secure erasure a busy database deferred.
/// </summary>
internal sealed class StoreStatistics(ShareStore store, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(10);
    private const int CostRatio = 50;
    private (long Secrets, long Rows) _latest;

    public (long Secrets, long Rows) Latest => _latest;

    /// <summary>Counts once before the host goes on, so the first Info and scrape see real numbers.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _latest = await store.CountAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastCost = TimeSpan.Zero;
        try
        {
            while (true)
            {
                var wait = lastCost * CostRatio > MinimumPeriod ? lastCost * CostRatio : MinimumPeriod;
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                var started = time.GetTimestamp();
                _latest = await store.CountAsync(stoppingToken).ConfigureAwait(false);
                lastCost = time.GetElapsedTime(started);
                await store.Database.RetryPendingErasureAsync(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
