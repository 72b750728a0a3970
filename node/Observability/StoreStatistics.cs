using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Observability;

/// <summary>
/// Share counts, recounted in the background: counting a million rows on every scrape or Info
/// call would cost more than the call itself.
/// </summary>
internal sealed class StoreStatistics(ShareStore store, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
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
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                _latest = await store.CountAsync(_stop.Token).ConfigureAwait(false);
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
