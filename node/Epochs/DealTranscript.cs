using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// What binds a dealt batch: the Fiat–Shamir context of its challenge, and the running hash of
/// everything a dealer published. Every honest receiver computes the same transcript hash for a
/// dealer; the coordinator compares them, so a dealer that tells receivers different stories
/// (other pair lists, other combined polynomials) makes the operation abort.
/// </summary>
internal sealed class DealTranscript : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public static byte[] ChallengeContext(OperationRecord operation, byte dealerX, ulong batch)
    {
        var id = Encoding.UTF8.GetBytes(operation.Id);
        var context = new byte[32 + id.Length];
        "secretfleet/deal/v1\0"u8.CopyTo(context);
        context[20] = (byte)operation.Kind;
        context[21] = operation.ZeroAt;
        context[22] = dealerX;
        BinaryPrimitives.WriteUInt64BigEndian(context.AsSpan(23), batch);
        context[31] = (byte)operation.Threshold;
        id.CopyTo(context, 32);
        return context;
    }

    public static byte[] IdsHash(ReadOnlySpan<byte> pairKeys, ReadOnlySpan<byte> pairBlocks)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(length, pairKeys.Length);
        hash.AppendData(length);
        hash.AppendData(pairKeys);
        hash.AppendData(pairBlocks);
        return hash.GetHashAndReset();
    }

    public void Append(DealResponse batch, ReadOnlySpan<byte> idsHash)
    {
        Span<byte> header = stackalloc byte[9];
        BinaryPrimitives.WriteUInt64BigEndian(header, batch.Batch);
        header[8] = batch.Last ? (byte)1 : (byte)0;
        _hash.AppendData(header);
        _hash.AppendData(idsHash);
        foreach (var digest in batch.Digests)
        {
            _hash.AppendData([(byte)digest.X]);
            _hash.AppendData(digest.Digest.Span);
        }
        _hash.AppendData(batch.Combined.Span);
    }

    public byte[] Finish() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();

    public static ByteString Wrap(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);
}
