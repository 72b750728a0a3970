using System.Buffers.Binary;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Pairs travel in fixed records: 16-byte secret key ‖ 8-byte big-endian version, with block
/// counts as 4-byte little-endian integers. Comparing records byte-wise orders them exactly
/// as SQLite orders (key, version), the order every node deals and merges in.
/// </summary>
internal static class PairCodec
{
    public const int PairBytes = 24;
    public const int BlockCountBytes = 4;

    public static void Write(Span<byte> record, ReadOnlySpan<byte> key, ulong version)
    {
        key.CopyTo(record);
        BinaryPrimitives.WriteUInt64BigEndian(record[16..], version);
    }

    public static ulong Version(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadUInt64BigEndian(record[16..]);

    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a[..PairBytes].SequenceCompareTo(b[..PairBytes]);

    public static int Blocks(ReadOnlySpan<byte> blockCounts, int index) =>
        BinaryPrimitives.ReadInt32LittleEndian(blockCounts.Slice(index * BlockCountBytes, BlockCountBytes));

    public static void WriteBlocks(Span<byte> blockCounts, int index, int blocks) =>
        BinaryPrimitives.WriteInt32LittleEndian(blockCounts.Slice(index * BlockCountBytes, BlockCountBytes), blocks);
}
