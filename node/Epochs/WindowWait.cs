using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A dealer holds a window of batches until its slowest receiver asks for a later one, so a
/// receiver that is ahead may wait on a slower one for as long as that one takes. Such a wait is
/// no failure of either side: the dealer waits at most <see cref="Patience"/> within one Deal call
/// (well inside a call's deadline) and then answers <c>not_ready</c>; the receiver asks again.
/// A dead peer still fails its calls; one that keeps answering <c>not_ready</c> for one batch for
/// <see cref="GiveUpAfter"/> fails this node's part, naming it, rather than holding the operation
/// until the coordinator's 30-minute timeout.
/// </summary>
internal static class WindowWait
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    // An honest dealer answers not_ready only after waiting; the pause keeps one that answers at once from making us spin.
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromMilliseconds(50);

    public static DealResponse NotReady(ulong batch) => new() { Batch = batch, NotReady = true };

    /// <summary>True once <paramref name="task"/> completed (in any state); false when <paramref name="patience"/> ran out first.</summary>
    public static async Task<bool> CompletedWithinAsync(Task task, TimeSpan patience, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(task).WaitAsync(patience, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The dealer's batch, asking again while the dealer answers that it is not ready yet (up to <paramref name="giveUpAfter"/>).</summary>
    /// <exception cref="OperationRejectedException">The dealer kept answering not_ready for longer than <paramref name="giveUpAfter"/>.</exception>
    public static async Task<DealResponse> DealWhenReadyAsync(this IPeerTransport peers, ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken, TimeSpan? giveUpAfter = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var limit = giveUpAfter ?? GiveUpAfter;
        while (true)
        {
            var response = await peers.DealAsync(dealer, request, cancellationToken).ConfigureAwait(false);
            if (!response.NotReady)
            {
                return response;
            }
            if (waited.Elapsed >= limit)
            {
                throw new OperationRejectedException(OperationRejection.Unavailable,
                    $"Peer x {dealer.X} has not served batch {request.Batch} for {limit.TotalMinutes:0.#} minutes (it says it waits for a slower receiver); retry the operation once every node is responsive.");
            }
            await Task.Delay(AskAgainAfter, cancellationToken).ConfigureAwait(false);
        }
    }
}
