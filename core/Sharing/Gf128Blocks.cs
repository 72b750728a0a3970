using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using X86Pclmul = System.Runtime.Intrinsics.X86.Pclmulqdq;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// Loops over spans of 16-byte GF(2^128) blocks for the hot paths (split, combine, dealing,
/// verification). Nothing here allocates; every length must be a whole number of blocks.
/// </summary>
public static class Gf128Blocks
{
    private const int B = Gf128.BlockSize;

    /// <summary><paramref name="accumulator"/>[i] += <paramref name="blocks"/>[i] for every block (XOR).</summary>
    public static void Add(Span<byte> accumulator, ReadOnlySpan<byte> blocks)
    {
        RequireSameBlocks(accumulator.Length, blocks.Length);
        ref var dst = ref MemoryMarshal.GetReference(accumulator);
        ref var src = ref MemoryMarshal.GetReference(blocks);
        var n = (nuint)accumulator.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= n; i += 32)
            {
                (Vector256.LoadUnsafe(ref dst, i) ^ Vector256.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
            }
        }
        for (; i < n; i += 16)
        {
            (Vector128.LoadUnsafe(ref dst, i) ^ Vector128.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }
    }

    /// <summary><paramref name="accumulator"/>[i] += <paramref name="scalar"/> · <paramref name="blocks"/>[i] for every block.</summary>
    public static void MultiplyAdd(Span<byte> accumulator, ReadOnlySpan<byte> blocks, Gf128 scalar)
    {
        RequireSameBlocks(accumulator.Length, blocks.Length);
        if (X86Pclmul.IsSupported)
        {
            ref var dst = ref MemoryMarshal.GetReference(accumulator);
            ref var src = ref MemoryMarshal.GetReference(blocks);
            var c = Vector128.Create(scalar.Lo, scalar.Hi);
            for (nuint i = 0; i < (nuint)blocks.Length; i += B)
            {
                var product = Gf128Multiply.MultiplyPclmul(Vector128.LoadUnsafe(ref src, i).AsUInt64(), c);
                (Vector128.LoadUnsafe(ref dst, i) ^ product.AsByte()).StoreUnsafe(ref dst, i);
            }
            return;
        }
        for (var i = 0; i < blocks.Length; i += B)
        {
            (Gf128.Read(accumulator[i..]) + scalar * Gf128.Read(blocks[i..])).Write(accumulator[i..]);
        }
    }

    /// <summary>Polynomial with block coefficients (lowest degree first) evaluated at <paramref name="x"/> by Horner's rule.</summary>
    public static Gf128 Evaluate(ReadOnlySpan<byte> coefficients, Gf128 x)
    {
        RequireWhole(coefficients.Length);
        var acc = Gf128.Zero;
        for (var i = coefficients.Length - B; i >= 0; i -= B)
        {
            acc = acc * x + Gf128.Read(coefficients[i..]);
        }
        return acc;
    }

    /// <summary>As <see cref="Evaluate(ReadOnlySpan{byte}, Gf128)"/> at a share x-coordinate (cheaper multiplies).</summary>
    public static Gf128 Evaluate(ReadOnlySpan<byte> coefficients, byte x)
    {
        RequireWhole(coefficients.Length);
        var acc = Gf128.Zero;
        for (var i = coefficients.Length - B; i >= 0; i -= B)
        {
            acc = Gf128Multiply.MultiplySmall(acc, x) + Gf128.Read(coefficients[i..]);
        }
        return acc;
    }

    /// <summary>One Horner step for many points at once: acc[i] = acc[i]·xs[i] + c.</summary>
    internal static void HornerStep(Span<Gf128> acc, ReadOnlySpan<byte> xs, Gf128 c)
    {
        for (var i = 0; i < acc.Length; i++)
        {
            acc[i] = Gf128Multiply.MultiplySmall(acc[i], xs[i]) + c;
        }
    }

    /// <summary>acc[i] = acc[i]·xs[i] for every i.</summary>
    internal static void Scale(Span<Gf128> acc, ReadOnlySpan<byte> xs)
    {
        for (var i = 0; i < acc.Length; i++)
        {
            acc[i] = Gf128Multiply.MultiplySmall(acc[i], xs[i]);
        }
    }

    /// <summary>
    /// Σ_i r^(i+1) · blocks[i]: the random linear combination used by the batch check and by
    /// robust decoding. Four interleaved Horner chains in r^4 keep the multiplier busy instead
    /// of waiting on one dependent chain.
    /// </summary>
    public static Gf128 FoldPowers(ReadOnlySpan<byte> blocks, Gf128 r)
    {
        RequireWhole(blocks.Length);
        var count = blocks.Length / B;
        var r2 = r * r;
        var r3 = r2 * r;
        var r4 = r2 * r2;
        var quads = count / 4;
        // Lane l sums R^q · v[4q + l] (R = r^4) over q = quads..0; the partial top quad seeds it.
        Span<Gf128> lanes = stackalloc Gf128[4];
        for (var l = 0; l < count - 4 * quads; l++)
        {
            lanes[l] = Gf128.Read(blocks[((4 * quads + l) * B)..]);
        }
        var (a0, a1, a2, a3) = (lanes[0], lanes[1], lanes[2], lanes[3]);
        if (X86Pclmul.IsSupported)
        {
            (a0, a1, a2, a3) = FoldQuadsPclmul(blocks, quads, r4, a0, a1, a2, a3);
        }
        else
        {
            for (var q = quads - 1; q >= 0; q--)
            {
                var at = 4 * q * B;
                a0 = a0 * r4 + Gf128.Read(blocks[at..]);
                a1 = a1 * r4 + Gf128.Read(blocks[(at + B)..]);
                a2 = a2 * r4 + Gf128.Read(blocks[(at + 2 * B)..]);
                a3 = a3 * r4 + Gf128.Read(blocks[(at + 3 * B)..]);
            }
        }
        return a0 * r + a1 * r2 + a2 * r3 + a3 * r4;
    }

    private static (Gf128, Gf128, Gf128, Gf128) FoldQuadsPclmul(ReadOnlySpan<byte> blocks, int quads, Gf128 r4, Gf128 s0, Gf128 s1, Gf128 s2, Gf128 s3)
    {
        ref var src = ref MemoryMarshal.GetReference(blocks);
        var m = Vector128.Create(r4.Lo, r4.Hi);
        var a0 = V(s0);
        var a1 = V(s1);
        var a2 = V(s2);
        var a3 = V(s3);
        for (var q = quads - 1; q >= 0; q--)
        {
            var at = (nuint)(4 * q * B);
            a0 = Gf128Multiply.MultiplyPclmul(a0, m) ^ Vector128.LoadUnsafe(ref src, at).AsUInt64();
            a1 = Gf128Multiply.MultiplyPclmul(a1, m) ^ Vector128.LoadUnsafe(ref src, at + B).AsUInt64();
            a2 = Gf128Multiply.MultiplyPclmul(a2, m) ^ Vector128.LoadUnsafe(ref src, at + 2 * B).AsUInt64();
            a3 = Gf128Multiply.MultiplyPclmul(a3, m) ^ Vector128.LoadUnsafe(ref src, at + 3 * B).AsUInt64();
        }
        return (G(a0), G(a1), G(a2), G(a3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> V(Gf128 a) => Vector128.Create(a.Lo, a.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Gf128 G(Vector128<ulong> v) => new(v.ToScalar(), v.GetElement(1));

    private static void RequireWhole(int length)
    {
        if (length % B != 0)
        {
            throw new ArgumentException($"A span of field blocks must be a multiple of {B} bytes; got {length}.");
        }
    }

    private static void RequireSameBlocks(int accumulator, int blocks)
    {
        RequireWhole(blocks);
        if (accumulator != blocks)
        {
            throw new ArgumentException($"Accumulator ({accumulator} bytes) and blocks ({blocks} bytes) differ in length.");
        }
    }
}
