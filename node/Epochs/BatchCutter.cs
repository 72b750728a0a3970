using SecretFleet.Core.Epochs;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Cuts an operation's agreed snapshot into batches: entries in order, each batch as many as fit
/// in the operation's block budget (at least one; an empty snapshot is one empty, last batch).
/// Every node cuts the same agreed snapshot with the same rule, so batch k holds the same pairs
/// at every dealer and every receiver, and a refresh's pair lists need not travel (receivers cut
/// for themselves and check each dealer's hash of its batch's pairs: <see cref="BatchCuts"/>).
/// </summary>
internal sealed class BatchCutter(OperationStore store, IReadOnlyList<SnapshotEntry> missing, int batchBlocks)
{
    private const int SnapshotPage = 2048;
    private AgreedStream<SnapshotPair>? _entries;
    private bool _hasEntry;

    /// <summary>Whether an entry of <paramref name="nextBlocks"/> still fits in a batch that holds <paramref name="entries"/> entries of <paramref name="blocks"/> blocks in all.</summary>
    public static bool Fits(int entries, long blocks, int nextBlocks, int batchBlocks) => entries == 0 || blocks + nextBlocks <= batchBlocks;

    /// <summary>The next batch's entries, and whether it is the last.</summary>
    public async Task<(List<SnapshotEntry> Entries, bool Last)> NextAsync(CancellationToken cancellationToken)
    {
        if (_entries is null)
        {
            _entries = new AgreedStream<SnapshotPair>((after, ct) => store.ReadSnapshotRangeAsync(after, long.MaxValue, SnapshotPage, ct), missing);
            _hasEntry = await _entries.MoveNextAsync(cancellationToken).ConfigureAwait(false);
        }
        var entries = new List<SnapshotEntry>();
        long blocks = 0;
        while (_hasEntry && Fits(entries.Count, blocks, _entries.Entry.Blocks, batchBlocks))
        {
            entries.Add(_entries.Entry);
            blocks += _entries.Entry.Blocks;
            _hasEntry = await _entries.MoveNextAsync(cancellationToken).ConfigureAwait(false);
        }
        return (entries, !_hasEntry);
    }
}
