using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// Shamir secret sharing over GF(2^128): each 16-byte block of the payload
/// (<see cref="SecretLayout"/>) is the constant term of its own random polynomial of degree
/// t − 1; share i is the evaluations at x = i + 1.
/// </summary>
public static class Shamir
{
    /// <summary>
    /// Splits <paramref name="secret"/> into <paramref name="shareCount"/> shares, any
    /// <paramref name="threshold"/> of which reconstruct it. One CSPRNG call supplies the salt
    /// and every coefficient; that buffer is zeroed before returning.
    /// </summary>
    /// <exception cref="SharingException">t &lt; 1, t &gt; n, n &gt; 255, or an empty or oversized secret.</exception>
    public static SplitResult Split(ReadOnlySpan<byte> secret, int threshold, int shareCount, int maxSecretBytes = SecretLayout.DefaultMaxSecretBytes)
    {
        SharingGuard.Threshold(threshold, shareCount);
        SecretLayout.CheckSecretSize(secret.Length, maxSecretBytes);
        var payloadBytes = SecretLayout.PayloadBytes(secret.Length);
        var blocks = payloadBytes / Gf128.BlockSize;
        var coefficientBytes = (threshold - 1) * Gf128.BlockSize;
        if (SecretLayout.SaltBytes + (long)blocks * coefficientBytes > Array.MaxLength)
        {
            throw new SharingException($"A {secret.Length}-byte secret at threshold {threshold} needs more random coefficients than one buffer holds; split a smaller secret or lower the threshold.");
        }

        using var random = new PooledBuffer(SecretLayout.SaltBytes + blocks * coefficientBytes);
        using var payload = new PooledBuffer(payloadBytes);
        RandomNumberGenerator.Fill(random.Span);
        SecretLayout.Encode(secret, random.Span[..SecretLayout.SaltBytes], payload.Span);
        var coefficients = random.Span[SecretLayout.SaltBytes..];

        var values = new byte[shareCount][];
        for (var i = 0; i < shareCount; i++)
        {
            values[i] = new byte[payloadBytes];
        }
        // f_b(x) = s_b + c_1·x + … + c_(t−1)·x^(t−1), by Horner for all shares in lockstep so
        // the n independent multiply chains overlap instead of waiting on each other.
        Span<byte> xs = stackalloc byte[shareCount];
        Span<Gf128> acc = stackalloc Gf128[shareCount];
        for (var i = 0; i < shareCount; i++)
        {
            xs[i] = (byte)(i + 1);
        }
        for (var b = 0; b < blocks; b++)
        {
            var at = b * Gf128.BlockSize;
            var higher = coefficients.Slice(b * coefficientBytes, coefficientBytes);
            var constant = Gf128.Read(payload.Span[at..]);
            if (coefficientBytes == 0)
            {
                acc.Fill(constant);
            }
            else
            {
                acc.Fill(Gf128.Read(higher[(coefficientBytes - Gf128.BlockSize)..]));
                for (var k = coefficientBytes - 2 * Gf128.BlockSize; k >= 0; k -= Gf128.BlockSize)
                {
                    Gf128Blocks.HornerStep(acc, xs, Gf128.Read(higher[k..]));
                }
                Gf128Blocks.HornerStep(acc, xs, constant);
            }
            for (var i = 0; i < shareCount; i++)
            {
                acc[i].Write(values[i].AsSpan(at));
            }
        }

        // The accumulators hold the last block's share values; the stack frame outlives this call.
        acc.Clear();
        var shares = new ShareValue[shareCount];
        for (var i = 0; i < shareCount; i++)
        {
            shares[i] = new ShareValue((byte)(i + 1), values[i]);
        }
        return new SplitResult(shares, SecretLayout.Commit(payload.Span));
    }

    /// <summary>
    /// Reconstructs the secret from the first <paramref name="threshold"/> of
    /// <paramref name="shares"/> and checks it against <paramref name="commitment"/>. All shares
    /// given are validated; only the first t are used.
    /// </summary>
    /// <exception cref="SharingException">Bad input (fewer than t shares, duplicate or zero x, mixed lengths) or a commitment mismatch.</exception>
    public static byte[] Combine(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> commitment, int threshold)
    {
        var length = SharingGuard.Shares(shares, commitment, threshold);
        using var payload = new PooledBuffer(length);
        Interpolate(shares, threshold, payload.Span);
        if (!SecretLayout.Matches(payload.Span, commitment))
        {
            throw new SharingException(
                "The shares do not reconstruct the committed secret (commitment mismatch): a share is wrong or from another epoch; combine shares of one epoch, or use CombineRobust with more shares.");
        }
        return SecretLayout.Decode(payload.Span);
    }

    /// <summary>
    /// Reconstructs the secret from more than t shares of which some may be wrong, and names the
    /// wrong ones. Fast path: the first t shares verify and the rest are checked against them.
    /// Otherwise error-correcting decoding finds up to ⌊(m − t)/2⌋ wrong shares, and for small m
    /// (C(m, t) ≤ 1000, which covers every m ≤ 10) a search over t-subsets finds the secret
    /// whenever any t shares are right. When nothing verifies the result carries a reason.
    /// </summary>
    /// <exception cref="SharingException">Bad input (see <see cref="Combine"/>); wrong shares are an outcome, not an exception.</exception>
    public static RobustCombineResult CombineRobust(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> commitment, int threshold)
    {
        var length = SharingGuard.Shares(shares, commitment, threshold);
        return RobustCombiner.Combine(shares, commitment, threshold, length);
    }

    /// <summary>Payload from the first <paramref name="count"/> shares by Lagrange interpolation at 0.</summary>
    internal static void Interpolate(IReadOnlyList<ShareValue> shares, int count, Span<byte> payload)
    {
        Span<byte> xs = stackalloc byte[count];
        for (var i = 0; i < count; i++)
        {
            xs[i] = shares[i].X;
        }
        var set = XSet.Of(xs, "The share list");
        var lambdas = Lagrange.At(set, 0);
        payload.Clear();
        for (var i = 0; i < count; i++)
        {
            Gf128Blocks.MultiplyAdd(payload, shares[i].Value, lambdas[Lagrange.Rank(set, xs[i])]);
        }
    }
}
