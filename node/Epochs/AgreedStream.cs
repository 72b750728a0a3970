using SecretFleet.Core.Epochs;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Walks an operation's agreed snapshot in order: this node's own snapshot rows, read page by
/// page from the database, merged with the pairs of it this node does not hold (the coordinator
/// named them in Verify). Dealers deal every entry; receivers expect every dealer to have dealt
/// exactly these, and stage the entries they hold.
/// </summary>
internal sealed class AgreedStream<TRow>(Func<long, CancellationToken, Task<IReadOnlyList<TRow>>> readPageAfter, IReadOnlyList<SnapshotEntry> missing)
    where TRow : struct, ISnapshotRow
{
    private IReadOnlyList<TRow> _page = [];
    private int _pageIndex;
    private long _afterSeq;
    private bool _ownDone;
    private int _missingIndex;

    /// <summary>The current entry.</summary>
    public SnapshotEntry Entry { get; private set; }

    /// <summary>This node's row for <see cref="Entry"/>, or null when it does not hold the pair.</summary>
    public TRow? Own { get; private set; }

    /// <summary>Moves to the next entry; false at the end.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (!_ownDone && _pageIndex >= _page.Count)
        {
            _page = await readPageAfter(_afterSeq, cancellationToken).ConfigureAwait(false);
            _pageIndex = 0;
            _ownDone = _page.Count == 0;
            if (!_ownDone)
            {
                _afterSeq = _page[^1].Seq;
            }
        }
        TRow? own = _ownDone ? null : _page[_pageIndex];
        var ownEntry = own is { } row ? new SnapshotEntry(row.Key, row.Version, row.Blocks) : default;
        var lacking = _missingIndex < missing.Count ? missing[_missingIndex] : (SnapshotEntry?)null;
        if (own is null && lacking is null)
        {
            return false;
        }
        var order = own is null ? 1 : lacking is null ? -1 : ownEntry.CompareTo(lacking.Value);
        if (order <= 0)
        {
            _pageIndex++;
            // The coordinator named a pair this node holds after all: one entry, not two.
            _missingIndex += order == 0 ? 1 : 0;
            (Entry, Own) = (ownEntry, own);
        }
        else
        {
            _missingIndex++;
            (Entry, Own) = (lacking!.Value, null);
        }
        return true;
    }
}
