using SecretFleet.Core.Epochs;

namespace SecretFleet.Node.Epochs;

/// <summary>What batch k of the agreed snapshot holds: its number of pairs and blocks, whether it is the last, and the hash of its pairs.</summary>
internal sealed record BatchCut(int Pairs, long Blocks, bool Last, byte[] IdsHash);

/// <summary>
/// A receiver's own cut of the agreed snapshot, shared by its dealer streams: each dealer's batch
/// k must deal exactly the pairs of cut k (its published ids hash equal to the cut's), so a dealer
/// cannot leave a pair out of a refresh nor add one, and the pair lists themselves need not be sent.
/// Cuts are computed in order as the fastest stream asks and kept (a few dozen bytes each).
/// </summary>
internal sealed class BatchCuts(BatchCutter cutter) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<BatchCut> _cuts = [];

    /// <summary>Cut <paramref name="batch"/>, or null when the snapshot ended before it.</summary>
    public async Task<BatchCut?> GetAsync(ulong batch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while ((ulong)_cuts.Count <= batch && (_cuts.Count == 0 || !_cuts[^1].Last))
            {
                var (entries, last) = await cutter.NextAsync(cancellationToken).ConfigureAwait(false);
                var (pairKeys, pairBlocks) = SnapshotEntry.Encode(entries);
                _cuts.Add(new BatchCut(entries.Count, entries.Sum(e => (long)e.Blocks), last, DealTranscript.IdsHash(pairKeys, pairBlocks)));
            }
            return (ulong)_cuts.Count > batch ? _cuts[(int)batch] : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
