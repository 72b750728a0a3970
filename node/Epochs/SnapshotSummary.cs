using System.Security.Cryptography;
using SecretFleet.Core.Epochs;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A dealer's snapshot summarized by key bucket (<see cref="SnapshotBuckets"/>): one digest per
/// bucket for the coordinator to compare, and the snapshot rows (by sequence number) each bucket
/// spans, so the pairs of a bucket are read without scanning the rest. Snapshot rows are in key
/// order, so every bucket is one contiguous range.
/// </summary>
internal sealed class SnapshotSummary
{
    private readonly (long First, long Last)[] _ranges;

    private SnapshotSummary(byte[] digests, (long First, long Last)[] ranges)
    {
        Digests = digests;
        _ranges = ranges;
    }

    /// <summary><see cref="SnapshotBuckets.Count"/> SHA-256 digests, bucket by bucket.</summary>
    public byte[] Digests { get; }

    /// <summary>The sequence numbers bucket <paramref name="bucket"/> spans; (0, 0) when empty.</summary>
    public (long First, long Last) Range(int bucket) => _ranges[bucket];

    /// <summary>Builds the summary from the snapshot's rows, read in sequence order.</summary>
    public sealed class Builder : IDisposable
    {
        private readonly byte[] _digests = new byte[SnapshotBuckets.Count * SnapshotBuckets.DigestBytes];
        private readonly (long First, long Last)[] _ranges = new (long, long)[SnapshotBuckets.Count];
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _entry = new byte[PairCodec.PairBytes + PairCodec.BlockCountBytes];
        private int _bucket;

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
        }

        public SnapshotSummary Build()
        {
            while (_bucket < SnapshotBuckets.Count)
            {
                FinishBucket();
            }
            return new SnapshotSummary(_digests, _ranges);
        }

        private void FinishBucket()
        {
            _hash.GetHashAndReset(_digests.AsSpan(_bucket * SnapshotBuckets.DigestBytes, SnapshotBuckets.DigestBytes));
            _bucket++;
        }

        public void Dispose() => _hash.Dispose();
    }
}
