using System.Buffers.Binary;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// Pairs travel in fixed records: 16-byte secret key ‖ 8-byte big-endian version, with block
/// counts as 4-byte little-endian integers. Comparing records byte-wise orders them exactly
/// as SQLite orders (key, version), the order every node deals and merges in; entries of an
/// agreed snapshot order by record, then block count.
/// </summary>
public static class PairCodec
{
    /// <summary>Bytes of one pair record.</summary>
    public const int PairBytes = 24;

    /// <summary>Bytes of one block count.</summary>
    public const int BlockCountBytes = 4;

    /// <summary>Bytes of the secret key at the start of a record.</summary>
    public const int KeyBytes = 16;

    /// <summary>Writes the record of (key, version).</summary>
    public static void Write(Span<byte> record, ReadOnlySpan<byte> key, ulong version)
    {
        key.CopyTo(record);
        BinaryPrimitives.WriteUInt64BigEndian(record[16..], version);
    }

    /// <summary>The version in a record.</summary>
    public static ulong Version(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadUInt64BigEndian(record[16..]);

    /// <summary>Orders two records as (key, version).</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a[..PairBytes].SequenceCompareTo(b[..PairBytes]);

    /// <summary>Orders two agreed-snapshot entries: by record, then by block count.</summary>
    public static int Compare(ReadOnlySpan<byte> a, int aBlocks, ReadOnlySpan<byte> b, int bBlocks)
    {
        var byRecord = Compare(a, b);
        return byRecord != 0 ? byRecord : aBlocks.CompareTo(bBlocks);
    }

    /// <summary>The block count at <paramref name="index"/>.</summary>
    public static int Blocks(ReadOnlySpan<byte> blockCounts, int index) =>
        BinaryPrimitives.ReadInt32LittleEndian(blockCounts.Slice(index * BlockCountBytes, BlockCountBytes));

    /// <summary>Writes the block count at <paramref name="index"/>.</summary>
    public static void WriteBlocks(Span<byte> blockCounts, int index, int blocks) =>
        BinaryPrimitives.WriteInt32LittleEndian(blockCounts.Slice(index * BlockCountBytes, BlockCountBytes), blocks);
}
