using System.Buffers.Binary;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// One entry of an operation's snapshot: a (secret key, version) pair and its block count. The
/// agreed snapshot of an operation is the union of every dealer's entries, ordered by key,
/// version, then block count (a client may have stored one version with different lengths on
/// different nodes; both are dealt).
/// </summary>
public readonly record struct SnapshotEntry(byte[] Key, ulong Version, int Blocks) : IComparable<SnapshotEntry>
{
    /// <inheritdoc />
    public int CompareTo(SnapshotEntry other)
    {
        var byKey = Key.AsSpan().SequenceCompareTo(other.Key);
        return byKey != 0 ? byKey : Version != other.Version ? Version.CompareTo(other.Version) : Blocks.CompareTo(other.Blocks);
    }

    /// <summary>Equal key, version and block count.</summary>
    public bool Equals(SnapshotEntry other) => CompareTo(other) == 0;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(BinaryPrimitives.ReadInt64LittleEndian(Key), Version, Blocks);

    /// <summary>
    /// Reads entries from their wire form (records and block counts as in DealResponse); null when
    /// the shape is wrong, a count is not positive, or the entries are not strictly ascending.
    /// </summary>
    public static List<SnapshotEntry>? Decode(ReadOnlySpan<byte> records, ReadOnlySpan<byte> blockCounts)
    {
        var count = records.Length / PairCodec.PairBytes;
        if (records.Length % PairCodec.PairBytes != 0 || blockCounts.Length != count * PairCodec.BlockCountBytes)
        {
            return null;
        }
        var entries = new List<SnapshotEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var record = records.Slice(i * PairCodec.PairBytes, PairCodec.PairBytes);
            var entry = new SnapshotEntry(record[..PairCodec.KeyBytes].ToArray(), PairCodec.Version(record), PairCodec.Blocks(blockCounts, i));
            if (entry.Blocks <= 0 || (i > 0 && entries[^1].CompareTo(entry) >= 0))
            {
                return null;
            }
            entries.Add(entry);
        }
        return entries;
    }

    /// <summary>The wire form of <paramref name="entries"/>: records and block counts.</summary>
    public static (byte[] Records, byte[] BlockCounts) Encode(IReadOnlyList<SnapshotEntry> entries)
    {
        var records = new byte[entries.Count * PairCodec.PairBytes];
        var blockCounts = new byte[entries.Count * PairCodec.BlockCountBytes];
        for (var i = 0; i < entries.Count; i++)
        {
            PairCodec.Write(records.AsSpan(i * PairCodec.PairBytes), entries[i].Key, entries[i].Version);
            PairCodec.WriteBlocks(blockCounts, i, entries[i].Blocks);
        }
        return (records, blockCounts);
    }
}
