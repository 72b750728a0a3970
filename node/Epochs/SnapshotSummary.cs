using System.Security.Cryptography;
using Google.Protobuf;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A dealer's snapshot summarized by key bucket (<see cref="SnapshotBuckets"/>): one digest per
/// bucket for the coordinator to compare, and the snapshot rows (by sequence number) each bucket
/// spans, so the pairs of a bucket are read without scanning the rest. Snapshot rows are in key
/// order, so every bucket is one contiguous range.
/// </summary>
internal sealed class SnapshotSummary
{
    /// <summary>Pairs per page: 1.4 MB of records and counts.</summary>
    public const int DefaultPage = 50_000;

    private readonly (long First, long Last)[] _ranges;

    private SnapshotSummary(byte[] digests, (long First, long Last)[] ranges, long pairs)
    {
        Digests = digests;
        _ranges = ranges;
        Pairs = pairs;
    }

    /// <summary>Pairs in the snapshot.</summary>
    public long Pairs { get; }

    /// <summary><see cref="SnapshotBuckets.Count"/> SHA-256 digests, bucket by bucket.</summary>
    public byte[] Digests { get; }

    /// <summary>
    /// The next page of the snapshot's pairs in <paramref name="buckets"/> (ascending) after the
    /// snapshot row <paramref name="cursor"/>; the response's cursor is the last row it holds.
    /// </summary>
    public async Task<SnapshotPairsResponse> PageAsync(OperationStore store, IReadOnlyList<int> buckets, long cursor, CancellationToken cancellationToken, int pageSize = DefaultPage)
    {
        var pairs = new List<SnapshotEntry>();
        foreach (var bucket in buckets)
        {
            var (first, last) = _ranges[bucket];
            if (first == 0 || last <= cursor || pairs.Count >= pageSize)
            {
                continue;
            }
            var rows = await store.ReadSnapshotRangeAsync(Math.Max(cursor, first - 1), last, pageSize - pairs.Count, cancellationToken).ConfigureAwait(false);
            pairs.AddRange(rows.Select(r => new SnapshotEntry(r.Key, r.Version, r.Blocks)));
            cursor = rows.Count > 0 ? rows[^1].Seq : cursor;
        }
        var (records, blockCounts) = SnapshotEntry.Encode(pairs);
        return new SnapshotPairsResponse
        {
            PairKeys = UnsafeByteOperations.UnsafeWrap(records),
            PairBlocks = UnsafeByteOperations.UnsafeWrap(blockCounts),
            NextCursor = (ulong)cursor,
            Last = buckets.All(b => _ranges[b].Last <= cursor),
        };
    }

    /// <summary>Builds the summary from the snapshot's rows, read in sequence order.</summary>
    public sealed class Builder : IDisposable
    {
        private readonly byte[] _digests = new byte[SnapshotBuckets.Count * SnapshotBuckets.DigestBytes];
        private readonly (long First, long Last)[] _ranges = new (long, long)[SnapshotBuckets.Count];
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _entry = new byte[PairCodec.PairBytes + PairCodec.BlockCountBytes];
        private int _bucket;
        private long _pairs;

        public void Add(long seq, ReadOnlySpan<byte> key, ulong version, int blocks)
        {
            var bucket = SnapshotBuckets.Of(key);
            while (_bucket < bucket)
            {
                FinishBucket();
            }
            if (_ranges[bucket].First == 0)
            {
                _ranges[bucket].First = seq;
            }
            _ranges[bucket].Last = seq;
            PairCodec.Write(_entry, key, version);
            PairCodec.WriteBlocks(_entry.AsSpan(PairCodec.PairBytes), 0, blocks);
            _hash.AppendData(_entry);
            _pairs++;
        }

        public SnapshotSummary Build()
        {
            while (_bucket < SnapshotBuckets.Count)
            {
                FinishBucket();
            }
            return new SnapshotSummary(_digests, _ranges, _pairs);
        }

        private void FinishBucket()
        {
            _hash.GetHashAndReset(_digests.AsSpan(_bucket * SnapshotBuckets.DigestBytes, SnapshotBuckets.DigestBytes));
            _bucket++;
        }

        public void Dispose() => _hash.Dispose();
    }
}
