using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ArmAes = System.Runtime.Intrinsics.Arm.Aes;
using X86Pclmul = System.Runtime.Intrinsics.X86.Pclmulqdq;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// Carry-less multiplication modulo x^128 + x^7 + x^2 + x + 1. The 256-bit product
/// (r3:r2:r1:r0, 64-bit words) is folded twice: x^128 ≡ x^7 + x^2 + x + 1 = 0x87, so r3 (at
/// x^192) adds r3·0x87 at x^64 and then r2 (at x^128) adds r2·0x87 at x^0. The paths below
/// differ only in how they get 64×64 carry-less products; none has a data-dependent branch or
/// table look-up. <c>IsSupported</c> checks are JIT-time constants, so dispatch is free.
/// </summary>
internal static class Gf128Multiply
{
    private const ulong Reduction = 0x87;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 Multiply(Gf128 a, Gf128 b)
    {
        if (X86Pclmul.IsSupported)
        {
            var r = MultiplyPclmul(Vector128.Create(a.Lo, a.Hi), Vector128.Create(b.Lo, b.Hi));
            return new Gf128(r.ToScalar(), r.GetElement(1));
        }
        return ArmAes.IsSupported ? MultiplyArm(a, b) : MultiplySoftware(a, b);
    }

    /// <summary>Multiply by an element below 2^8 (share x-coordinates): half the carry-less work.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 MultiplySmall(Gf128 a, byte x)
    {
        if (X86Pclmul.IsSupported)
        {
            var r = MultiplySmallPclmul(Vector128.Create(a.Lo, a.Hi), Vector128.CreateScalar((ulong)x));
            return new Gf128(r.ToScalar(), r.GetElement(1));
        }
        return Multiply(a, Gf128.FromByte(x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 Square(Gf128 a)
    {
        if (X86Pclmul.IsSupported)
        {
            var v = Vector128.Create(a.Lo, a.Hi);
            var r = Reduce(X86Pclmul.CarrylessMultiply(v, v, 0x00), X86Pclmul.CarrylessMultiply(v, v, 0x11));
            return new Gf128(r.ToScalar(), r.GetElement(1));
        }
        return Multiply(a, a);
    }

    /// <summary>Full multiply on vectors laid out as (lo, hi); the form hot span loops use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> MultiplyPclmul(Vector128<ulong> a, Vector128<ulong> b)
    {
        var low = X86Pclmul.CarrylessMultiply(a, b, 0x00);
        var high = X86Pclmul.CarrylessMultiply(a, b, 0x11);
        var middle = X86Pclmul.CarrylessMultiply(a, b, 0x01) ^ X86Pclmul.CarrylessMultiply(a, b, 0x10);
        // low = (r0, r1 part), high = (r2 part, r3); middle straddles x^64..x^191.
        low ^= X86Sse2.ShiftLeftLogical128BitLane(middle, 8);
        high ^= X86Sse2.ShiftRightLogical128BitLane(middle, 8);
        return Reduce(low, high);
    }

    /// <summary>Multiply by a scalar held in the low lane and below 2^8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> MultiplySmallPclmul(Vector128<ulong> a, Vector128<ulong> x)
    {
        var low = X86Pclmul.CarrylessMultiply(a, x, 0x00);
        var middle = X86Pclmul.CarrylessMultiply(a, x, 0x01);
        // middle = a.hi·x sits at x^64: its low word lands in r1, its high word (< 2^7) at x^128.
        low ^= X86Sse2.ShiftLeftLogical128BitLane(middle, 8);
        var overflow = X86Sse2.ShiftRightLogical128BitLane(middle, 8);
        return low ^ X86Pclmul.CarrylessMultiply(overflow, Vector128.CreateScalar(Reduction), 0x00);
    }

    /// <summary>Folds (low = r1:r0, high = r3:r2) to 128 bits with two carry-less multiplies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<ulong> low, Vector128<ulong> high)
    {
        var poly = Vector128.CreateScalar(Reduction);
        var fold3 = X86Pclmul.CarrylessMultiply(high, poly, 0x01); // r3·0x87, at x^64
        low ^= X86Sse2.ShiftLeftLogical128BitLane(fold3, 8);
        high ^= X86Sse2.ShiftRightLogical128BitLane(fold3, 8); // its top bits join r2
        return low ^ X86Pclmul.CarrylessMultiply(high, poly, 0x00); // r2·0x87, at x^0
    }

    private static Gf128 MultiplyArm(Gf128 a, Gf128 b)
    {
        var (l0, l1) = ClmulArm(a.Lo, b.Lo);
        var (h0, h1) = ClmulArm(a.Hi, b.Hi);
        var (m0, m1) = ClmulArm(a.Lo, b.Hi);
        var (n0, n1) = ClmulArm(a.Hi, b.Lo);
        return Reduce(l0, l1 ^ m0 ^ n0, h0 ^ m1 ^ n1, h1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Lo, ulong Hi) ClmulArm(ulong a, ulong b)
    {
        var p = ArmAes.PolynomialMultiplyWideningLower(Vector64.Create(a), Vector64.Create(b));
        return (p.ToScalar(), p.GetElement(1));
    }

    /// <summary>
    /// The portable path: 64×64 carry-less products by a mask loop (each bit of b selects a
    /// shifted copy of a through an all-ones or all-zeros mask), then the same reduction.
    /// Callable directly so tests can hold it against the hardware path.
    /// </summary>
    public static Gf128 MultiplySoftware(Gf128 a, Gf128 b)
    {
        var (l0, l1) = ClmulSoftware(a.Lo, b.Lo);
        var (h0, h1) = ClmulSoftware(a.Hi, b.Hi);
        var (m0, m1) = ClmulSoftware(a.Lo, b.Hi);
        var (n0, n1) = ClmulSoftware(a.Hi, b.Lo);
        return Reduce(l0, l1 ^ m0 ^ n0, h0 ^ m1 ^ n1, h1);
    }

    internal static (ulong Lo, ulong Hi) ClmulSoftware(ulong a, ulong b)
    {
        var lo = a & (0UL - (b & 1));
        var hi = 0UL;
        for (var i = 1; i < 64; i++)
        {
            var mask = 0UL - (b >> i & 1);
            lo ^= a << i & mask;
            hi ^= a >> (64 - i) & mask;
        }
        return (lo, hi);
    }

    /// <summary>Scalar reduction of r3:r2:r1:r0: r·0x87 = r ⊕ r≪1 ⊕ r≪2 ⊕ r≪7, overflow bits carried up.</summary>
    internal static Gf128 Reduce(ulong r0, ulong r1, ulong r2, ulong r3)
    {
        r1 ^= r3 ^ r3 << 1 ^ r3 << 2 ^ r3 << 7;
        r2 ^= r3 >> 63 ^ r3 >> 62 ^ r3 >> 57;
        r0 ^= r2 ^ r2 << 1 ^ r2 << 2 ^ r2 << 7;
        r1 ^= r2 >> 63 ^ r2 >> 62 ^ r2 >> 57;
        return new Gf128(r0, r1);
    }
}
