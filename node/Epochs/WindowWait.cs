using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A dealer holds a window of batches until its slowest receiver asks for a later one, so a
/// receiver that is ahead may wait on a slower one for as long as that one takes. Such a wait is
/// no failure of either side: the dealer waits at most <see cref="Patience"/> within one Deal call
/// (well inside a call's deadline) and then answers <c>not_ready</c>; the receiver asks again.
/// The coordinator's operation timeout bounds the whole wait, and a dead peer still fails its calls.
/// </summary>
internal static class WindowWait
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // An honest dealer answers not_ready only after waiting; the pause keeps one that answers at once from making us spin.
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromMilliseconds(50);

    public static DealResponse NotReady(ulong batch) => new() { Batch = batch, NotReady = true };

    /// <summary>True once <paramref name="evicted"/> completed; false when <paramref name="patience"/> ran out first.</summary>
    public static async Task<bool> EvictedWithinAsync(Task evicted, TimeSpan patience, CancellationToken cancellationToken)
    {
        try
        {
            await evicted.WaitAsync(patience, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The dealer's batch, asking again for as long as the dealer answers that it is not ready yet.</summary>
    public static async Task<DealResponse> DealWhenReadyAsync(this IPeerTransport peers, ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await peers.DealAsync(dealer, request, cancellationToken).ConfigureAwait(false);
            if (!response.NotReady)
            {
                return response;
            }
            await Task.Delay(AskAgainAfter, cancellationToken).ConfigureAwait(false);
        }
    }
}
