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

    // The t − 1 coefficients of each q_m and of q_ρ (DealingBuffers' layout, m = M is ρ).
    private readonly DealingBuffers _buffers;

    private DealtBatch(int threshold, int receiverCount, int blockCount) =>
        _buffers = new DealingBuffers(threshold - 1, receiverCount, blockCount, nameof(DealtBatch));

    /// <summary>Blocks in the batch (M).</summary>
    public int BlockCount => _buffers.BlockCount;

    /// <summary>Receivers the batch was dealt to.</summary>
    public int ReceiverCount => _buffers.ReceiverCount;

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
        var coefficients = _buffers.Coefficients;
        RandomNumberGenerator.Fill(coefficients);
        var values = _buffers.Values;
        var masks = _buffers.Masks;
        if (_buffers.CoefficientRows == 0)
        {
            // t = 1: the only polynomial of degree 0 vanishing at z is 0.
            values.Clear();
            masks.Clear();
            return;
        }
        DealingEvaluator.Evaluate(coefficients, _buffers.CoefficientRows, _buffers.BlockCount, receiverXs, zeroAt, values, masks);
    }

    /// <summary>δ_m(x_j) for every block m of receiver <paramref name="receiverIndex"/> (index into the receiver x's), M × 16 bytes.</summary>
    public ReadOnlySpan<byte> ValuesFor(int receiverIndex) => _buffers.ValuesFor(receiverIndex);

    /// <summary>ρ(x_j) for receiver <paramref name="receiverIndex"/>, 16 bytes.</summary>
    public ReadOnlySpan<byte> MaskFor(int receiverIndex) => _buffers.MaskFor(receiverIndex);

    /// <summary>SHA-256(values ‖ mask) of receiver <paramref name="receiverIndex"/>: what that receiver acknowledges.</summary>
    public byte[] DigestFor(int receiverIndex) => _buffers.DigestFor(receiverIndex);

    /// <summary>
    /// Q = q_ρ + Σ_m r^m·q_m for the challenge r, (t − 1) × 16 bytes, lowest degree first.
    /// Publishing it reveals nothing about the q_m: q_ρ is uniform and used once.
    /// </summary>
    public byte[] CombinedCoefficients(Gf128 challenge) => _buffers.CombinedCoefficients(challenge);

    /// <summary>Zeroes the polynomials and values and returns the buffers to the pool.</summary>
    public void Dispose() => _buffers.Dispose();
}
