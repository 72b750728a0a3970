using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using X86Pclmul = System.Runtime.Intrinsics.X86.Pclmulqdq;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// Evaluates a batch's polynomials (x + z)·q_m(x) at every receiver: Horner over q's
/// coefficients for all receivers in lockstep (independent multiply chains overlap), then the
/// factor (x_j + z). Coefficients are coefficient-major: coefficient k of polynomial m at byte
/// k·rowBytes + 16·m, where polynomial M (the last) is the mask ρ.
/// </summary>
internal static class DealingEvaluator
{
    private const int B = Gf128.BlockSize;

    /// <param name="coefficients">(t − 1) rows of M + 1 blocks.</param>
    /// <param name="count">t − 1, at least 1.</param>
    /// <param name="blockCount">M, the blocks in the batch.</param>
    /// <param name="xs">The receivers' x-coordinates.</param>
    /// <param name="zeroAt">z, the common root.</param>
    /// <param name="values">Receiver-major: receiver j's M blocks at j·M·16.</param>
    /// <param name="masks">ρ(x_j) at j·16.</param>
    public static void Evaluate(ReadOnlySpan<byte> coefficients, int count, int blockCount, ReadOnlySpan<byte> xs, byte zeroAt, Span<byte> values, Span<byte> masks)
    {
        var rowBytes = (blockCount + 1) * B;
        if (coefficients.Length != count * rowBytes || values.Length != xs.Length * blockCount * B || masks.Length != xs.Length * B)
        {
            throw new ArgumentException("Dealing buffers do not match the batch shape.");
        }
        Span<byte> shifted = stackalloc byte[xs.Length];
        for (var j = 0; j < xs.Length; j++)
        {
            shifted[j] = (byte)(xs[j] ^ zeroAt);
        }
        if (X86Pclmul.IsSupported)
        {
            EvaluatePclmul(coefficients, count, blockCount, xs, shifted, values, masks);
        }
        else
        {
            EvaluatePortable(coefficients, count, blockCount, xs, shifted, values, masks);
        }
    }

    internal static void EvaluatePortable(ReadOnlySpan<byte> coefficients, int count, int blockCount, ReadOnlySpan<byte> xs, ReadOnlySpan<byte> shifted, Span<byte> values, Span<byte> masks)
    {
        var rowBytes = (blockCount + 1) * B;
        Span<Gf128> acc = stackalloc Gf128[xs.Length];
        for (var m = 0; m <= blockCount; m++)
        {
            acc.Fill(Gf128.Read(coefficients[((count - 1) * rowBytes + m * B)..]));
            for (var k = count - 2; k >= 0; k--)
            {
                Gf128Blocks.HornerStep(acc, xs, Gf128.Read(coefficients[(k * rowBytes + m * B)..]));
            }
            Gf128Blocks.Scale(acc, shifted);
            for (var j = 0; j < acc.Length; j++)
            {
                acc[j].Write(m < blockCount ? values[((j * blockCount + m) * B)..] : masks[(j * B)..]);
            }
        }
    }

    // Same loop on registers: loads and stores straight from the buffers (offsets are bounded
    // by the shape check above), no round trips through general-purpose registers.
    internal static void EvaluatePclmul(ReadOnlySpan<byte> coefficients, int count, int blockCount, ReadOnlySpan<byte> xs, ReadOnlySpan<byte> shifted, Span<byte> values, Span<byte> masks)
    {
        var n = xs.Length;
        var rowBytes = (blockCount + 1) * B;
        Span<Vector128<ulong>> acc = stackalloc Vector128<ulong>[n];
        Span<Vector128<ulong>> at = stackalloc Vector128<ulong>[n];
        Span<Vector128<ulong>> root = stackalloc Vector128<ulong>[n];
        for (var j = 0; j < n; j++)
        {
            at[j] = Vector128.CreateScalar((ulong)xs[j]);
            root[j] = Vector128.CreateScalar((ulong)shifted[j]);
        }
        ref var coefficient = ref MemoryMarshal.GetReference(coefficients);
        ref var value = ref MemoryMarshal.GetReference(values);
        ref var mask = ref MemoryMarshal.GetReference(masks);
        for (var m = 0; m <= blockCount; m++)
        {
            var top = Vector128.LoadUnsafe(ref coefficient, (nuint)((count - 1) * rowBytes + m * B)).AsUInt64();
            acc.Fill(top);
            for (var k = count - 2; k >= 0; k--)
            {
                var c = Vector128.LoadUnsafe(ref coefficient, (nuint)(k * rowBytes + m * B)).AsUInt64();
                for (var j = 0; j < n; j++)
                {
                    acc[j] = Gf128Multiply.MultiplySmallPclmul(acc[j], at[j]) ^ c;
                }
            }
            if (m < blockCount)
            {
                for (var j = 0; j < n; j++)
                {
                    Gf128Multiply.MultiplySmallPclmul(acc[j], root[j]).AsByte().StoreUnsafe(ref value, (nuint)((j * blockCount + m) * B));
                }
            }
            else
            {
                for (var j = 0; j < n; j++)
                {
                    Gf128Multiply.MultiplySmallPclmul(acc[j], root[j]).AsByte().StoreUnsafe(ref mask, (nuint)(j * B));
                }
            }
        }
    }
}
