using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// The receiver's side of the batch check. After every receiver has acknowledged a digest of
/// what it got, the challenge r is derived from all digests, so the dealer is bound to its
/// dealing before r exists. A receiver then checks its values against the dealer's published
/// Q: (x_j + z)·Q(x_j) = ρ(x_j) + Σ_m r^m·δ_m(x_j). A dealer whose values for the honest
/// receivers are off a valid polynomial in any block passes everywhere with probability at
/// most M/(2^128 − 1) for an M-block batch (docs/cryptography.md).
/// </summary>
public static class BatchCheck
{
    /// <summary>Largest batch, in blocks.</summary>
    public const int MaxBlocks = 1 << 24;

    private static readonly byte[] Domain = "SecretFleet/batch-challenge/v1"u8.ToArray();

    /// <summary>
    /// The challenge r ≠ 0: SHA-256 over a domain tag, <paramref name="context"/> (e.g. refresh
    /// id and epoch), the batch's <paramref name="idsHash"/> and every receiver's digest in
    /// receiver order, each length-prefixed; the first 16 bytes are r (re-hashed with a counter
    /// in the 2^-128 case that they are zero).
    /// </summary>
    public static Gf128 Challenge(ReadOnlySpan<byte> context, ReadOnlySpan<byte> idsHash, IReadOnlyList<byte[]> receiverDigests)
    {
        ArgumentNullException.ThrowIfNull(receiverDigests);
        Span<byte> hash = stackalloc byte[32];
        for (var counter = 0u; ; counter++)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(Domain);
            AppendPrefixed(sha, context);
            AppendPrefixed(sha, idsHash);
            AppendUInt32(sha, (uint)receiverDigests.Count);
            foreach (var digest in receiverDigests)
            {
                AppendPrefixed(sha, digest);
            }
            AppendUInt32(sha, counter);
            sha.GetHashAndReset(hash);
            var r = Gf128.Read(hash);
            if (!r.IsZero)
            {
                return r;
            }
        }
    }

    /// <summary>SHA-256(values ‖ mask): the digest a receiver acknowledges for one dealer's batch.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> values, ReadOnlySpan<byte> mask)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(values);
        sha.AppendData(mask);
        return sha.GetHashAndReset();
    }

    /// <summary>
    /// True when the dealer's published <paramref name="combinedCoefficients"/> match what this
    /// receiver got. Malformed dealer data (values not whole blocks, a mask not 16 bytes, other
    /// than t − 1 coefficients, so a polynomial of too high degree) fails the check.
    /// </summary>
    /// <exception cref="SharingException">Receiver-side misuse: threshold outside 1..255, x = 0, or receiver x equal to zeroAt.</exception>
    public static bool Verify(int threshold, byte receiverX, byte zeroAt, ReadOnlySpan<byte> values, ReadOnlySpan<byte> mask, Gf128 challenge, ReadOnlySpan<byte> combinedCoefficients)
    {
        Parameters(threshold, [receiverX], zeroAt);
        if (values.Length % Gf128.BlockSize != 0 || mask.Length != Gf128.BlockSize || combinedCoefficients.Length != (threshold - 1) * Gf128.BlockSize)
        {
            return false;
        }
        var expected = Gf128Multiply.MultiplySmall(Gf128Blocks.Evaluate(combinedCoefficients, receiverX), (byte)(receiverX ^ zeroAt));
        var received = Gf128.Read(mask) + Gf128Blocks.FoldPowers(values, challenge);
        return expected == received;
    }

    internal static void Parameters(int threshold, ReadOnlySpan<byte> receiverXs, byte zeroAt)
    {
        if (threshold < 1 || threshold > SharingGuard.MaxShares)
        {
            throw new SharingException($"threshold {threshold} is outside 1..{SharingGuard.MaxShares}.");
        }
        if (receiverXs.IsEmpty)
        {
            throw new SharingException("The receiver list is empty; deal to at least one receiver.");
        }
        var set = XSet.Of(receiverXs, "The receiver list");
        if (set.Contains(zeroAt))
        {
            throw new SharingException($"Receiver x {zeroAt} equals zeroAt; the polynomials vanish there, so it would only ever receive zeros.");
        }
    }

    private static void AppendPrefixed(IncrementalHash sha, ReadOnlySpan<byte> data)
    {
        AppendUInt32(sha, (uint)data.Length);
        sha.AppendData(data);
    }

    private static void AppendUInt32(IncrementalHash sha, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        sha.AppendData(bytes);
    }
}
