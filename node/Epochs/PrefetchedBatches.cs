using System.Threading.Channels;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A peer's batches fetched ahead in the background (at most <see cref="Depth"/> waiting), handed
/// out in order; a fetch failure surfaces at the next <see cref="NextAsync"/>.
/// </summary>
internal sealed class PrefetchedBatches<T> : IAsyncDisposable
    where T : class
{
    private const int Depth = 2;
    private readonly Channel<T> _ready = Channel.CreateBounded<T>(Depth);
    private readonly CancellationTokenSource _stop;
    private readonly Task _pump;

    /// <param name="fetch">Fetches the batch after the one given (null for the first) and says whether it is the last.</param>
    /// <param name="cancellationToken">Stops the fetching.</param>
    public PrefetchedBatches(Func<T?, CancellationToken, Task<(T Batch, bool Last)>> fetch, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pump = Task.Run(() => PumpAsync(fetch, _stop.Token), CancellationToken.None);
    }

    /// <summary>The next batch, or null once the last one was handed out.</summary>
    public async ValueTask<T?> NextAsync(CancellationToken cancellationToken)
    {
        if (await _ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        await _pump.ConfigureAwait(false);
        return null;
    }

    private async Task PumpAsync(Func<T?, CancellationToken, Task<(T Batch, bool Last)>> fetch, CancellationToken cancellationToken)
    {
        try
        {
            T? previous = null;
            while (true)
            {
                var (batch, last) = await fetch(previous, cancellationToken).ConfigureAwait(false);
                await _ready.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                if (last)
                {
                    break;
                }
                previous = batch;
            }
            _ready.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _ready.Writer.TryComplete(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }
        _stop.Dispose();
    }
}
