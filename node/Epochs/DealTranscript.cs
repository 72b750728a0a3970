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

    /// <summary>
    /// The context of a resharing batch's common challenge: the same for every dealer (the
    /// challenge must be one r for all of them), bound to the operation, batch and both thresholds.
    /// </summary>
    public static byte[] ResharingContext(OperationRecord operation, ulong batch) =>
        Context(operation.CatchUp ? "secretfleet/reshare-catch-up/v1\0"u8 : "secretfleet/reshare/v1\0"u8, operation, 0, batch);

    /// <summary>The context of one dealer's mask dealing (its share of μ) for one batch; checked per dealer.</summary>
    public static byte[] MaskContext(OperationRecord operation, byte dealerX, ulong batch) =>
        Context(operation.CatchUp ? "secretfleet/reshare-catch-up-mask/v1\0"u8 : "secretfleet/reshare-mask/v1\0"u8, operation, dealerX, batch);

    /// <summary>
    /// What a resharing dealer signs for its digests of one batch (<see cref="Core.Identity.FleetSigner"/>): the
    /// operation, batch, both thresholds, the dealer, and every receiver's x and digest, in order.
    /// </summary>
    public static byte[] DigestsStatement(OperationRecord operation, ulong batch, byte dealerX, IReadOnlyList<ReceiverDigest> digests)
    {
        var context = Context(operation.CatchUp ? "secretfleet/reshare-catch-up-digests/v1\0"u8 : "secretfleet/reshare-digests/v1\0"u8, operation, dealerX, batch);
        var statement = new byte[context.Length + digests.Sum(d => 8 + d.Digest.Length)];
        context.CopyTo(statement, 0);
        var at = context.Length;
        foreach (var digest in digests)
        {
            // x and the digest's length before it: the encoding stays unambiguous whatever a dealer sends.
            BinaryPrimitives.WriteUInt32BigEndian(statement.AsSpan(at), digest.X);
            BinaryPrimitives.WriteInt32BigEndian(statement.AsSpan(at + 4), digest.Digest.Length);
            digest.Digest.Span.CopyTo(statement.AsSpan(at + 8));
            at += 8 + digest.Digest.Length;
        }
        return statement;
    }

    private static byte[] Context(ReadOnlySpan<byte> domain, OperationRecord operation, byte dealerX, ulong batch)
    {
        var id = Encoding.UTF8.GetBytes(operation.Id);
        var context = new byte[domain.Length + 11 + id.Length];
        domain.CopyTo(context);
        var rest = context.AsSpan(domain.Length);
        rest[0] = dealerX;
        BinaryPrimitives.WriteUInt64BigEndian(rest[1..], batch);
        rest[9] = (byte)operation.Threshold;
        rest[10] = (byte)operation.NewThreshold;
        id.CopyTo(rest[11..]);
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

    /// <summary>A resharing batch: the digests of every dealer (the challenge's input), what the pairs are, and this dealer's C.</summary>
    public void AppendResharing(DealResponse batch, ReadOnlySpan<byte> idsHash)
    {
        Append(batch, idsHash);
        foreach (var row in batch.Rows)
        {
            _hash.AppendData([(byte)row.X]);
            foreach (var digest in row.Digests)
            {
                _hash.AppendData([(byte)digest.X]);
                _hash.AppendData(digest.Digest.Span);
            }
        }
        _hash.AppendData(batch.PairsDigest.Span);
    }

    /// <summary>
    /// What the pairs of a resharing batch are, in one hash: owner, name and commitment of each,
    /// length-prefixed. Every dealer publishes it and only one sends the descriptions themselves, to
    /// the receivers that hold no row of the pairs: sending them from every dealer to every receiver
    /// was most of a resharing's traffic (docs/benchmarks.md).
    /// </summary>
    public static byte[] PairsDigest<T>(IEnumerable<T> pairs, Func<T, (string Owner, string Name, ReadOnlyMemory<byte> Commitment)> describe)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var pair in pairs)
        {
            var (owner, name, commitment) = describe(pair);
            AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(owner), length);
            AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(name), length);
            AppendLengthPrefixed(hash, commitment.Span, length);
        }
        return hash.GetHashAndReset();
    }

    private static void AppendLengthPrefixed(IncrementalHash hash, ReadOnlySpan<byte> bytes, Span<byte> length)
    {
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    /// <summary>One batch of a dealer's mask dealing as an old-committee node saw it: every digest and the published combination.</summary>
    public void AppendMask(ulong batch, DealMaskResponse dealing)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(header, batch);
        _hash.AppendData(header);
        foreach (var digest in dealing.Digests)
        {
            _hash.AppendData([(byte)digest.X]);
            _hash.AppendData(digest.Digest.Span);
        }
        _hash.AppendData(dealing.Combined.Span);
    }

    public byte[] Finish() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();

    public static ByteString Wrap(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);
}
