using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// One old-committee dealer's part of a resharing (n, t) → (n', t') for one batch of M blocks.
/// For each block m it picks g_m of degree ≤ t' − 1 with g_m(0) = its share s_m of that block,
/// and one masking polynomial h of the same degree with h(0) = μ, its share of the fresh random
/// sharing made for this batch. Receiver j gets g_m(y_j) for every m and h(y_j); once the
/// challenge r is fixed the dealer publishes C = h + Σ_m r^(m+1)·g_m (t' coefficients, so
/// deg C ≤ t' − 1 by format). Buffers come from the pool, the random coefficients from one
/// CSPRNG call, and everything is zeroed on <see cref="Dispose"/>.
/// </summary>
public sealed class ResharingDealing : IDisposable
{
    private const int B = Gf128.BlockSize;

    // The t' coefficients of each g_m and of h (DealingBuffers' layout, m = M is h). Row 0 holds the constants
    // (the dealer's shares, then μ), so the published constant C(0) is the same fold as every other coefficient.
    private readonly DealingBuffers _buffers;

    private ResharingDealing(byte dealerX, int newThreshold, int receiverCount, int blockCount)
    {
        DealerX = dealerX;
        _buffers = new DealingBuffers(newThreshold, receiverCount, blockCount, nameof(ResharingDealing));
    }

    /// <summary>The dealer's x in the old committee (where its share and μ share were evaluated).</summary>
    public byte DealerX { get; }

    /// <summary>Blocks in the batch (M).</summary>
    public int BlockCount => _buffers.BlockCount;

    /// <summary>Receivers (new committee members) the batch was dealt to.</summary>
    public int ReceiverCount => _buffers.ReceiverCount;

    /// <summary>
    /// Deals the blocks of <paramref name="shareBlocks"/> (the dealer's old share of every block
    /// in the batch) to the new committee at <paramref name="receiverXs"/> with polynomials of
    /// degree <paramref name="newThreshold"/> − 1, masked by <paramref name="maskShare"/> (μ at
    /// <paramref name="dealerX"/>, 16 bytes; a fresh μ per batch, see docs/protocol.md).
    /// </summary>
    /// <exception cref="SharingException">dealerX = 0; t' outside 1..n'; a zero or repeated receiver x; share blocks not whole or more than <see cref="BatchCheck.MaxBlocks"/>; a mask share not 16 bytes.</exception>
    public static ResharingDealing Deal(byte dealerX, ReadOnlySpan<byte> shareBlocks, ReadOnlySpan<byte> maskShare, int newThreshold, ReadOnlySpan<byte> receiverXs)
    {
        Resharing.NewCommittee(newThreshold, receiverXs);
        if (dealerX == 0)
        {
            throw new SharingException("dealerX is 0; old-committee x-coordinates are 1..255.");
        }
        if (maskShare.Length != B)
        {
            throw new SharingException($"The mask share is {maskShare.Length} bytes; a share of μ is one 16-byte block.");
        }
        var blockCount = shareBlocks.Length / B;
        if (shareBlocks.Length % B != 0 || blockCount > BatchCheck.MaxBlocks
            || (long)receiverXs.Length * blockCount * B > Array.MaxLength
            || (long)newThreshold * (blockCount + 1) * B > Array.MaxLength)
        {
            throw new SharingException($"The share blocks are {shareBlocks.Length} bytes; give whole 16-byte blocks, at most {BatchCheck.MaxBlocks} of them (fewer for large committees), and split larger work into batches.");
        }
        var dealing = new ResharingDealing(dealerX, newThreshold, receiverXs.Length, blockCount);
        dealing.Fill(shareBlocks, maskShare, receiverXs);
        return dealing;
    }

    private void Fill(ReadOnlySpan<byte> shareBlocks, ReadOnlySpan<byte> maskShare, ReadOnlySpan<byte> receiverXs)
    {
        var blockCount = _buffers.BlockCount;
        var newThreshold = _buffers.CoefficientRows;
        var rowBytes = _buffers.RowBytes;
        var coefficients = _buffers.Coefficients;
        shareBlocks.CopyTo(coefficients);
        maskShare.CopyTo(coefficients[(blockCount * B)..]);
        RandomNumberGenerator.Fill(coefficients[rowBytes..]);

        var values = _buffers.Values;
        var masks = _buffers.Masks;
        // Horner for all receivers in lockstep; the x's are public, the multiplies constant-time.
        Span<Gf128> acc = stackalloc Gf128[_buffers.ReceiverCount];
        for (var m = 0; m <= blockCount; m++)
        {
            acc.Fill(Gf128.Read(coefficients[((newThreshold - 1) * rowBytes + m * B)..]));
            for (var k = newThreshold - 2; k >= 0; k--)
            {
                Gf128Blocks.HornerStep(acc, receiverXs, Gf128.Read(coefficients[(k * rowBytes + m * B)..]));
            }
            for (var j = 0; j < acc.Length; j++)
            {
                acc[j].Write(m < blockCount ? values[((j * blockCount + m) * B)..] : masks[(j * B)..]);
            }
        }
        // The accumulators hold dealt values; the stack frame outlives this call.
        acc.Clear();
    }

    /// <summary>g_m(y_j) for every block m of receiver <paramref name="receiverIndex"/> (index into the receiver x's), M × 16 bytes.</summary>
    public ReadOnlySpan<byte> ValuesFor(int receiverIndex) => _buffers.ValuesFor(receiverIndex);

    /// <summary>h(y_j) for receiver <paramref name="receiverIndex"/>, 16 bytes.</summary>
    public ReadOnlySpan<byte> MaskFor(int receiverIndex) => _buffers.MaskFor(receiverIndex);

    /// <summary>SHA-256(values ‖ mask) of receiver <paramref name="receiverIndex"/>: what that receiver acknowledges before the challenge exists.</summary>
    public byte[] DigestFor(int receiverIndex) => _buffers.DigestFor(receiverIndex);

    /// <summary>
    /// C = h + Σ_m r^(m+1)·g_m for the common challenge r, t' × 16 bytes, lowest degree first.
    /// Its constant is μ + Σ_m r^(m+1)·s_m: the fold of the dealer's shares, hidden by μ; the
    /// other coefficients are hidden by h's, which are uniform and used once.
    /// </summary>
    public byte[] CombinedCoefficients(Gf128 challenge) => _buffers.CombinedCoefficients(challenge);

    /// <summary>Zeroes the polynomials (which hold the dealer's shares) and values, and returns the buffers to the pool.</summary>
    public void Dispose() => _buffers.Dispose();
}
