namespace SecretFleet.Benchmarks;

/// <summary>
/// The prime-field alternative measured against GF(2^128): multiplication modulo
/// p = 2^127 − 1 in constant time on (lo, hi) words: four 64×64 → 128 multiplies
/// (<see cref="Math.BigMul(ulong, ulong, out ulong)"/>), carries computed arithmetically, a
/// fold using 2^127 ≡ 1 (mod p) and a masked final subtraction. Benchmark-only;
/// docs/cryptography.md has the comparison.
/// </summary>
internal static class Mersenne127
{
    public const ulong HighMask = (1UL << 63) - 1;

    /// <summary>(lo, hi) with hi &lt; 2^63, i.e. values below 2^127.</summary>
    public static (ulong Lo, ulong Hi) Multiply(ulong aLo, ulong aHi, ulong bLo, ulong bHi)
    {
        // 256-bit product w3:w2:w1:w0.
        var h00 = Math.BigMul(aLo, bLo, out var w0);
        var h01 = Math.BigMul(aLo, bHi, out var l01);
        var h10 = Math.BigMul(aHi, bLo, out var l10);
        var h11 = Math.BigMul(aHi, bHi, out var l11);
        var (w1, c1) = Add(h00, l01, 0);
        (w1, var c1b) = Add(w1, l10, 0);
        var (w2, c2) = Add(h01, h10, c1 + c1b);
        (w2, var c2b) = Add(w2, l11, 0);
        var w3 = h11 + c2 + c2b;
        // full = H·2^127 + L; H = full >> 127, L = full mod 2^127; H + L < 2^128.
        var hLo = w2 << 1 | w1 >> 63;
        var hHi = w3 << 1 | w2 >> 63;
        var (sLo, carry) = Add(hLo, w0, 0);
        var sHi = hHi + (w1 & HighMask) + carry;
        // Fold bit 127 once more, then subtract p when s ≥ p, through masks.
        (sLo, carry) = Add(sLo, sHi >> 63, 0);
        sHi = (sHi & HighMask) + carry;
        var (tLo, tCarry) = Add(sLo, 1, 0);
        var geP = (sHi + tCarry) >> 63; // s + 1 ≥ 2^127  ⇔  s ≥ p
        (sLo, carry) = Add(sLo, geP, 0);
        _ = tLo;
        return (sLo, (sHi + carry) & HighMask);
    }

    private static (ulong Sum, ulong Carry) Add(ulong a, ulong b, ulong carryIn)
    {
        var sum = a + b + carryIn;
        var carry = ((a & b) | ((a | b) & ~sum)) >> 63;
        return (sum, carry);
    }
}
