using System.Buffers;
using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// One dealer's dealing for one batch of refresh or share-recovery work. For each of the
/// batch's blocks m it picks δ_m(x) = (x + z)·q_m(x) with q_m random of degree ≤ t − 2, so
/// δ_m has degree ≤ t − 1 and vanishes at z by construction (z = 0 for refresh, z = the
/// missing x for share recovery), plus one masking polynomial ρ of the same form. Receiver j
/// gets δ_m(x_j) for every m and ρ(x_j); after the challenge r is fixed the dealer publishes
/// Q = q_ρ + Σ_m r^m·q_m. Buffers come from the pool, filled by one CSPRNG call, and are
/// zeroed on <see cref="Dispose"/>.
/// </summary>
public sealed class DealtBatch : IDisposable
{
    private const int B = Gf128.BlockSize;

    private readonly int _coefficientCount;
    private readonly int _blockCount;
    private readonly int _receiverCount;
    private byte[]? _coefficients;
    private byte[]? _values;
    private byte[]? _masks;

    private DealtBatch(int threshold, int receiverCount, int blockCount)
    {
        _coefficientCount = threshold - 1;
        _blockCount = blockCount;
        _receiverCount = receiverCount;
        _coefficients = ArrayPool<byte>.Shared.Rent(CoefficientBytes);
        _values = ArrayPool<byte>.Shared.Rent(receiverCount * blockCount * B);
        _masks = ArrayPool<byte>.Shared.Rent(receiverCount * B);
    }

    /// <summary>Blocks in the batch (M).</summary>
    public int BlockCount => _blockCount;

    /// <summary>Receivers the batch was dealt to.</summary>
    public int ReceiverCount => _receiverCount;

    // Coefficient-major: coefficient k of polynomial m at block k·(M + 1) + m; m = M is ρ. Each
    // coefficient's row is contiguous, so the combined coefficients are one fold per row.
    private int CoefficientBytes => _coefficientCount * (_blockCount + 1) * B;

    /// <summary>
    /// Deals one batch of <paramref name="blockCount"/> blocks to the receivers at
    /// <paramref name="receiverXs"/>, every polynomial vanishing at <paramref name="zeroAt"/>.
    /// </summary>
    /// <exception cref="SharingException">Threshold outside 1..255, no receivers, a zero, repeated or equal-to-zeroAt receiver x, or a block count outside 0..2^24 (0: an empty batch, the mask alone) (or too large for the buffers).</exception>
    public static DealtBatch Deal(int threshold, ReadOnlySpan<byte> receiverXs, byte zeroAt, int blockCount)
    {
        BatchCheck.Parameters(threshold, receiverXs, zeroAt);
        if (blockCount < 0 || blockCount > BatchCheck.MaxBlocks
            || (long)receiverXs.Length * blockCount * B > Array.MaxLength
            || (long)(threshold - 1) * (blockCount + 1) * B > Array.MaxLength)
        {
            throw new SharingException($"blockCount {blockCount} is outside 0..{BatchCheck.MaxBlocks} (or too large for {receiverXs.Length} receivers at threshold {threshold}); split the work into smaller batches.");
        }
        var batch = new DealtBatch(threshold, receiverXs.Length, blockCount);
        batch.Fill(receiverXs, zeroAt);
        return batch;
    }

    private void Fill(ReadOnlySpan<byte> receiverXs, byte zeroAt)
    {
        var coefficients = _coefficients.AsSpan(0, CoefficientBytes);
        RandomNumberGenerator.Fill(coefficients);
        var values = _values.AsSpan(0, _receiverCount * _blockCount * B);
        var masks = _masks.AsSpan(0, _receiverCount * B);
        if (_coefficientCount == 0)
        {
            // t = 1: the only polynomial of degree 0 vanishing at z is 0.
            values.Clear();
            masks.Clear();
            return;
        }
        DealingEvaluator.Evaluate(coefficients, _coefficientCount, _blockCount, receiverXs, zeroAt, values, masks);
    }

    /// <summary>δ_m(x_j) for every block m of receiver <paramref name="receiverIndex"/> (index into the receiver x's), M × 16 bytes.</summary>
    public ReadOnlySpan<byte> ValuesFor(int receiverIndex) =>
        Live(_values).AsSpan(Receiver(receiverIndex) * _blockCount * B, _blockCount * B);

    /// <summary>ρ(x_j) for receiver <paramref name="receiverIndex"/>, 16 bytes.</summary>
    public ReadOnlySpan<byte> MaskFor(int receiverIndex) => Live(_masks).AsSpan(Receiver(receiverIndex) * B, B);

    /// <summary>SHA-256(values ‖ mask) of receiver <paramref name="receiverIndex"/>: what that receiver acknowledges.</summary>
    public byte[] DigestFor(int receiverIndex) => BatchCheck.Digest(ValuesFor(receiverIndex), MaskFor(receiverIndex));

    /// <summary>
    /// Q = q_ρ + Σ_m r^m·q_m for the challenge r, (t − 1) × 16 bytes, lowest degree first.
    /// Publishing it reveals nothing about the q_m: q_ρ is uniform and used once.
    /// </summary>
    public byte[] CombinedCoefficients(Gf128 challenge)
    {
        var coefficients = Live(_coefficients);
        var result = new byte[_coefficientCount * B];
        var rowBytes = (_blockCount + 1) * B;
        for (var k = 0; k < _coefficientCount; k++)
        {
            var row = coefficients.AsSpan(k * rowBytes, rowBytes);
            var combined = Gf128.Read(row[(_blockCount * B)..]) + Gf128Blocks.FoldPowers(row[..(_blockCount * B)], challenge);
            combined.Write(result.AsSpan(k * B));
        }
        return result;
    }

    /// <summary>Zeroes the polynomials and values and returns the buffers to the pool.</summary>
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
        (uint)index < (uint)_receiverCount ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch has {_receiverCount} receivers.");

    private static byte[] Live(byte[]? buffer) => buffer ?? throw new ObjectDisposedException(nameof(DealtBatch));
}
