using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// Agrees on an operation's snapshot: the union of every dealer's snapshot. Where the dealers'
/// bucket digests differ (a write that straddled Begin, a store that reached only some nodes),
/// the coordinator fetches those buckets' pairs from every dealer and tells each dealer, in
/// Verify, the pairs it lacks. Every dealer then deals the whole union (dealing needs no share),
/// and every receiver checks that each dealer dealt exactly that: a dealer cannot exempt a pair
/// from a refresh by leaving it out, and an honest dealer that lacked a pair is never blamed.
/// The coordinator is not trusted here: a receiver refuses a dealing that misses a pair it holds
/// whatever the coordinator said, so a wrong reconciliation can abort an operation, never exempt a pair.
/// </summary>
internal static class SnapshotReconciliation
{
    /// <summary>More than this many pairs missing on one dealer does not fit in its Verify (8 MiB): the operation aborts.</summary>
    public const int MaxMissingPerDealer = 200_000;

    /// <summary>The pairs each dealer lacks; empty lists when every summary is the same.</summary>
    /// <exception cref="SnapshotDisagreementException">A dealer's summary or pair list is malformed, or the snapshots diverge too far.</exception>
    public static async Task<Dictionary<byte, List<SnapshotEntry>>> MissingAsync(INodeOperations nodes, string operationId, IReadOnlyList<FleetMember> dealers,
        IReadOnlyDictionary<byte, BeginResponse> begun, CancellationToken cancellationToken)
    {
        var missing = dealers.ToDictionary(d => d.X, _ => new List<SnapshotEntry>());
        foreach (var dealer in dealers)
        {
            if (begun[dealer.X].BucketDigests.Length != SnapshotBuckets.Count * SnapshotBuckets.DigestBytes)
            {
                throw new SnapshotDisagreementException($"Node x {dealer.X} summarized its snapshot in {begun[dealer.X].BucketDigests.Length} bytes, not {SnapshotBuckets.Count * SnapshotBuckets.DigestBytes}.", dealer.X);
            }
        }
        var differing = Enumerable.Range(0, SnapshotBuckets.Count).Where(b => dealers.Any(d => !Digest(begun[d.X], b).SequenceEqual(Digest(begun[dealers[0].X], b)))).ToArray();
        if (differing.Length == 0)
        {
            return missing;
        }
        var held = await Task.WhenAll(dealers.Select(d => FetchAsync(nodes, operationId, d, differing, cancellationToken))).ConfigureAwait(false);
        var union = new SortedSet<SnapshotEntry>(held.SelectMany(h => h));
        for (var i = 0; i < dealers.Count; i++)
        {
            var lacking = union.Except(held[i]).ToList();
            if (lacking.Count > MaxMissingPerDealer)
            {
                throw new SnapshotDisagreementException($"Node x {dealers[i].X} lacks {lacking.Count} pairs that other nodes hold; more than {MaxMissingPerDealer} cannot be agreed in one operation. Rebuild that node (wipe it; share recovery restores it) or remove the partial secrets.", 0, "snapshots-diverge");
            }
            missing[dealers[i].X] = lacking;
        }
        return missing;
    }

    private static ReadOnlySpan<byte> Digest(BeginResponse begun, int bucket) =>
        begun.BucketDigests.Span.Slice(bucket * SnapshotBuckets.DigestBytes, SnapshotBuckets.DigestBytes);

    private static async Task<HashSet<SnapshotEntry>> FetchAsync(INodeOperations nodes, string operationId, FleetMember dealer, int[] buckets, CancellationToken cancellationToken)
    {
        var entries = new HashSet<SnapshotEntry>();
        var request = new SnapshotPairsRequest { OperationId = operationId };
        request.Buckets.Add(buckets.Select(b => (uint)b));
        while (true)
        {
            SnapshotPairsResponse page;
            try
            {
                page = await nodes.SnapshotPairsAsync(dealer, request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new SnapshotDisagreementException($"Node x {dealer.X} did not list its snapshot pairs: {e.Message}", dealer.X, "unreachable");
            }
            var decoded = SnapshotEntry.Decode(page.PairKeys.Span, page.PairBlocks.Span)
                ?? throw new SnapshotDisagreementException($"Node x {dealer.X} sent a malformed page of snapshot pairs.", dealer.X);
            foreach (var entry in decoded)
            {
                if (Array.BinarySearch(buckets, SnapshotBuckets.Of(entry.Key)) < 0)
                {
                    throw new SnapshotDisagreementException($"Node x {dealer.X} sent snapshot pairs of buckets it was not asked for.", dealer.X);
                }
                entries.Add(entry);
            }
            if (page.Last)
            {
                return entries;
            }
            if (page.NextCursor <= request.Cursor)
            {
                throw new SnapshotDisagreementException($"Node x {dealer.X} did not advance its snapshot cursor.", dealer.X);
            }
            request.Cursor = page.NextCursor;
        }
    }
}

/// <summary>The dealers' snapshots could not be agreed; <see cref="X"/> names a node at fault, or 0; <see cref="Code"/> is the abort reason code.</summary>
internal sealed class SnapshotDisagreementException(string message, byte x, string code = SnapshotDisagreementException.Misbehaved) : Exception(message)
{
    /// <summary>The reason code of a node that answered with malformed snapshot data: it is named.</summary>
    public const string Misbehaved = "dealer-misbehaved";

    public byte X { get; } = x;

    public string Code { get; } = code;
}
