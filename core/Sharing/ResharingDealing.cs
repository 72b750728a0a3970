using System.Buffers;
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

    private readonly int _newThreshold;
    private readonly int _blockCount;
    private readonly int _receiverCount;
    private byte[]? _coefficients;
    private byte[]? _values;
    private byte[]? _masks;

    private ResharingDealing(byte dealerX, int newThreshold, int receiverCount, int blockCount)
    {
        DealerX = dealerX;
        _newThreshold = newThreshold;
        _blockCount = blockCount;
        _receiverCount = receiverCount;
        _coefficients = ArrayPool<byte>.Shared.Rent(CoefficientBytes);
        _values = ArrayPool<byte>.Shared.Rent(receiverCount * blockCount * B);
        _masks = ArrayPool<byte>.Shared.Rent(receiverCount * B);
    }

    /// <summary>The dealer's x in the old committee (where its share and μ share were evaluated).</summary>
    public byte DealerX { get; }

    /// <summary>Blocks in the batch (M).</summary>
    public int BlockCount => _blockCount;

    /// <summary>Receivers (new committee members) the batch was dealt to.</summary>
    public int ReceiverCount => _receiverCount;

    // Coefficient-major like DealtBatch: coefficient k of polynomial m at block k·(M + 1) + m,
    // m = M is h. Row 0 holds the constants (the dealer's shares, then μ), so the published
    // constant C(0) is the same fold as every other coefficient.
    private int CoefficientBytes => _newThreshold * (_blockCount + 1) * B;

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
        var rowBytes = (_blockCount + 1) * B;
        var coefficients = _coefficients.AsSpan(0, CoefficientBytes);
        shareBlocks.CopyTo(coefficients);
        maskShare.CopyTo(coefficients[(_blockCount * B)..]);
        RandomNumberGenerator.Fill(coefficients[rowBytes..]);

        var values = _values.AsSpan(0, _receiverCount * _blockCount * B);
        var masks = _masks.AsSpan(0, _receiverCount * B);
        // Horner for all receivers in lockstep; the x's are public, the multiplies constant-time.
        Span<Gf128> acc = stackalloc Gf128[_receiverCount];
        for (var m = 0; m <= _blockCount; m++)
        {
            acc.Fill(Gf128.Read(coefficients[((_newThreshold - 1) * rowBytes + m * B)..]));
            for (var k = _newThreshold - 2; k >= 0; k--)
            {
                Gf128Blocks.HornerStep(acc, receiverXs, Gf128.Read(coefficients[(k * rowBytes + m * B)..]));
            }
            for (var j = 0; j < acc.Length; j++)
            {
                acc[j].Write(m < _blockCount ? values[((j * _blockCount + m) * B)..] : masks[(j * B)..]);
            }
        }
        // The accumulators hold dealt values; the stack frame outlives this call.
        acc.Clear();
    }

    /// <summary>g_m(y_j) for every block m of receiver <paramref name="receiverIndex"/> (index into the receiver x's), M × 16 bytes.</summary>
    public ReadOnlySpan<byte> ValuesFor(int receiverIndex) =>
        Live(_values).AsSpan(Receiver(receiverIndex) * _blockCount * B, _blockCount * B);

    /// <summary>h(y_j) for receiver <paramref name="receiverIndex"/>, 16 bytes.</summary>
    public ReadOnlySpan<byte> MaskFor(int receiverIndex) => Live(_masks).AsSpan(Receiver(receiverIndex) * B, B);

    /// <summary>SHA-256(values ‖ mask) of receiver <paramref name="receiverIndex"/>: what that receiver acknowledges before the challenge exists.</summary>
    public byte[] DigestFor(int receiverIndex) => BatchCheck.Digest(ValuesFor(receiverIndex), MaskFor(receiverIndex));

    /// <summary>
    /// C = h + Σ_m r^(m+1)·g_m for the common challenge r, t' × 16 bytes, lowest degree first.
    /// Its constant is μ + Σ_m r^(m+1)·s_m: the fold of the dealer's shares, hidden by μ; the
    /// other coefficients are hidden by h's, which are uniform and used once.
    /// </summary>
    public byte[] CombinedCoefficients(Gf128 challenge)
    {
        var coefficients = Live(_coefficients);
        var result = new byte[_newThreshold * B];
        var rowBytes = (_blockCount + 1) * B;
        for (var k = 0; k < _newThreshold; k++)
        {
            var row = coefficients.AsSpan(k * rowBytes, rowBytes);
            var combined = Gf128.Read(row[(_blockCount * B)..]) + Gf128Blocks.FoldPowers(row[..(_blockCount * B)], challenge);
            combined.Write(result.AsSpan(k * B));
        }
        return result;
    }

    /// <summary>Zeroes the polynomials (which hold the dealer's shares) and values, and returns the buffers to the pool.</summary>
    public void Dispose()
    {
        Return(ref _coefficients, CoefficientBytes);
        Return(ref _values, _receiverCount * _blockCount * B);
        Return(ref _masks, _receiverCount * B);
    }

    private static void Return(ref byte[]? buffer, int used)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, used));
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }

    private int Receiver(int index) =>
        (uint)index < (uint)_receiverCount ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"The dealing has {_receiverCount} receivers.");

    private static byte[] Live(byte[]? buffer) => buffer ?? throw new ObjectDisposedException(nameof(ResharingDealing));
}
