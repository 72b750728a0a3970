using System.Buffers;
using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// The pooled buffers of one dealer's batch, shared by refresh/recovery dealing (<see cref="DealtBatch"/>) and
/// resharing (<see cref="ResharingDealing"/>): the polynomials' coefficients (which may hold the dealer's shares),
/// the values dealt to each receiver, and the masking polynomial's values; all zeroed on <see cref="Dispose"/>.
/// Coefficients are coefficient-major: coefficient k of polynomial m at block k·(M + 1) + m, m = M the masking
/// polynomial, so every published coefficient is one fold of a contiguous row.
/// </summary>
internal sealed class DealingBuffers : IDisposable
{
    private const int B = Gf128.BlockSize;

    private readonly string _owner;
    private byte[]? _coefficients;
    private byte[]? _values;
    private byte[]? _masks;

    public DealingBuffers(int coefficientRows, int receiverCount, int blockCount, string owner)
    {
        CoefficientRows = coefficientRows;
        ReceiverCount = receiverCount;
        BlockCount = blockCount;
        _owner = owner;
        _coefficients = ArrayPool<byte>.Shared.Rent(CoefficientBytes);
        _values = ArrayPool<byte>.Shared.Rent(ValueBytes);
        _masks = ArrayPool<byte>.Shared.Rent(MaskBytes);
    }

    public int CoefficientRows { get; }

    public int ReceiverCount { get; }

    public int BlockCount { get; }

    public int RowBytes => (BlockCount + 1) * B;

    public Span<byte> Coefficients => Live(_coefficients).AsSpan(0, CoefficientBytes);

    public Span<byte> Values => Live(_values).AsSpan(0, ValueBytes);

    public Span<byte> Masks => Live(_masks).AsSpan(0, MaskBytes);

    private int CoefficientBytes => CoefficientRows * RowBytes;

    private int ValueBytes => ReceiverCount * BlockCount * B;

    private int MaskBytes => ReceiverCount * B;

    /// <summary>The value of every block for receiver <paramref name="receiverIndex"/> (index into the receiver x's), M × 16 bytes.</summary>
    public ReadOnlySpan<byte> ValuesFor(int receiverIndex) => Values.Slice(Receiver(receiverIndex) * BlockCount * B, BlockCount * B);

    /// <summary>The masking polynomial's value for receiver <paramref name="receiverIndex"/>, 16 bytes.</summary>
    public ReadOnlySpan<byte> MaskFor(int receiverIndex) => Masks.Slice(Receiver(receiverIndex) * B, B);

    /// <summary>SHA-256(values ‖ mask) of one receiver: what it acknowledges before the challenge exists.</summary>
    public byte[] DigestFor(int receiverIndex) => BatchCheck.Digest(ValuesFor(receiverIndex), MaskFor(receiverIndex));

    /// <summary>Per coefficient row: the mask's coefficient + Σ_m r^(m+1)·(block m's), lowest degree first, rows × 16 bytes.</summary>
    public byte[] CombinedCoefficients(Gf128 challenge)
    {
        var coefficients = Coefficients;
        var result = new byte[CoefficientRows * B];
        for (var k = 0; k < CoefficientRows; k++)
        {
            var row = coefficients.Slice(k * RowBytes, RowBytes);
            var combined = Gf128.Read(row[(BlockCount * B)..]) + Gf128Blocks.FoldPowers(row[..(BlockCount * B)], challenge);
            combined.Write(result.AsSpan(k * B));
        }

        return result;
    }

    public void Dispose()
    {
        Return(ref _coefficients, CoefficientBytes);
        Return(ref _values, ValueBytes);
        Return(ref _masks, MaskBytes);
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
        (uint)index < (uint)ReceiverCount ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"The {_owner} has {ReceiverCount} receivers.");

    private byte[] Live(byte[]? buffer) => buffer ?? throw new ObjectDisposedException(_owner);
}
