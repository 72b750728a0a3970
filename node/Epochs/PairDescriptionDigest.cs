using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// What a recovery helper says a pair is, in 32 bytes: SHA-256 over its key, version, blocks,
/// threshold, owner, name and commitment, each length-prefixed. One helper sends the descriptions
/// themselves and the others only these digests, which the rebuilt node compares: sending every
/// description from every helper was most of what it fetched.
/// </summary>
internal static class PairDescriptionDigest
{
    public const int Bytes = 32;

    public static void Compute(RecoveredPair pair, Span<byte> digest) =>
        Compute(pair.Key.Span, pair.Version, (int)pair.Blocks, (int)pair.Threshold, pair.Owner, pair.Name, pair.Commitment.Span, digest);

    public static void Compute(ReadOnlySpan<byte> key, ulong version, int blocks, int threshold, string owner, string name, ReadOnlySpan<byte> commitment, Span<byte> digest)
    {
        var length = 4 + key.Length + 8 + 4 + 4 + 4 + Encoding.UTF8.GetByteCount(owner) + 4 + Encoding.UTF8.GetByteCount(name) + 4 + commitment.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var writer = new Writer(rented);
            writer.Bytes(key);
            writer.UInt64(version);
            writer.Int32(blocks);
            writer.Int32(threshold);
            writer.Text(owner);
            writer.Text(name);
            writer.Bytes(commitment);
            SHA256.HashData(rented.AsSpan(0, writer.Length), digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ref struct Writer(byte[] buffer)
    {
        public int Length { get; private set; }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Int32(bytes.Length);
            bytes.CopyTo(buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public void Text(string text)
        {
            var count = Encoding.UTF8.GetBytes(text, buffer.AsSpan(Length + 4));
            Int32(count);
            Length += count;
        }

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(Length), value);
            Length += 4;
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64BigEndian(buffer.AsSpan(Length), value);
            Length += 8;
        }
    }
}
