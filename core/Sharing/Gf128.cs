using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// An element of GF(2^128) modulo x^128 + x^7 + x^2 + x + 1, in natural bit order: bit i of the
/// 128-bit integer <c>(Hi &lt;&lt; 64) | Lo</c> is the coefficient of x^i, and a 16-byte block is
/// that integer in little-endian order. Every operation runs in time independent of the values
/// (carry-less multiply in hardware, or a mask-based loop without tables or branches).
/// </summary>
public readonly struct Gf128(ulong lo, ulong hi) : IEquatable<Gf128>
{
    /// <summary>Size of one element on the wire and in share values.</summary>
    public const int BlockSize = 16;

    /// <summary>Coefficients of x^0 … x^63.</summary>
    public ulong Lo { get; } = lo;

    /// <summary>Coefficients of x^64 … x^127.</summary>
    public ulong Hi { get; } = hi;

    /// <summary>The additive identity.</summary>
    public static Gf128 Zero => default;

    /// <summary>The multiplicative identity.</summary>
    public static Gf128 One => new(1, 0);

    /// <summary>True when the element is zero; branch-free, so safe on secret values.</summary>
    public bool IsZero => ((Lo | Hi) - 1 & ~(Lo | Hi)) >> 63 == 1;

    /// <summary>The field element whose low byte is <paramref name="x"/> (how share x-coordinates embed).</summary>
    public static Gf128 FromByte(byte x) => new(x, 0);

    /// <summary>Reads one element from the first 16 bytes of <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 Read(ReadOnlySpan<byte> block) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(block), BinaryPrimitives.ReadUInt64LittleEndian(block[8..]));

    /// <summary>Writes the element to the first 16 bytes of <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(Span<byte> block)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(block[8..], Hi);
        BinaryPrimitives.WriteUInt64LittleEndian(block, Lo);
    }

    /// <summary>The element as a new 16-byte block.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[BlockSize];
        Write(bytes);
        return bytes;
    }

    /// <summary>Addition (and subtraction): XOR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 operator +(Gf128 a, Gf128 b) => new(a.Lo ^ b.Lo, a.Hi ^ b.Hi);

    /// <summary>Subtraction equals addition in characteristic 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 operator -(Gf128 a, Gf128 b) => new(a.Lo ^ b.Lo, a.Hi ^ b.Hi);

    /// <summary>Multiplication modulo the field polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf128 operator *(Gf128 a, Gf128 b) => Gf128Multiply.Multiply(a, b);

    /// <summary>Equality in constant time (XOR-or), so comparing secret values leaks nothing.</summary>
    public static bool operator ==(Gf128 a, Gf128 b) => (a + b).IsZero;

    /// <summary>Inequality in constant time.</summary>
    public static bool operator !=(Gf128 a, Gf128 b) => !(a + b).IsZero;

    /// <summary>Alias of <c>+</c> for languages without operators.</summary>
    public static Gf128 Add(Gf128 a, Gf128 b) => a + b;

    /// <summary>Alias of <c>-</c> for languages without operators.</summary>
    public static Gf128 Subtract(Gf128 a, Gf128 b) => a - b;

    /// <summary>Alias of <c>*</c> for languages without operators.</summary>
    public static Gf128 Multiply(Gf128 a, Gf128 b) => a * b;

    /// <summary>This element squared (cheaper than a general multiply).</summary>
    public Gf128 Square() => Gf128Multiply.Square(this);

    /// <summary>
    /// The multiplicative inverse, as a^(2^128 − 2) by a fixed addition chain (Itoh–Tsujii:
    /// 127 squarings, 10 multiplies), so the time does not depend on the value. Zero maps to zero;
    /// callers that divide check their divisors are nonzero where zero would be a bug.
    /// </summary>
    public Gf128 Inverse()
    {
        // b_k = a^(2^k − 1); b_(i+j) = b_i^(2^j) · b_j. The chain reaches k = 127, then one more
        // squaring gives a^(2^128 − 2).
        var b1 = this;
        var b2 = SquareTimes(b1, 1) * b1;
        var b3 = SquareTimes(b2, 1) * b1;
        var b6 = SquareTimes(b3, 3) * b3;
        var b12 = SquareTimes(b6, 6) * b6;
        var b24 = SquareTimes(b12, 12) * b12;
        var b48 = SquareTimes(b24, 24) * b24;
        var b96 = SquareTimes(b48, 48) * b48;
        var b120 = SquareTimes(b96, 24) * b24;
        var b126 = SquareTimes(b120, 6) * b6;
        var b127 = SquareTimes(b126, 1) * b1;
        return b127.Square();
    }

    /// <summary>
    /// This element to the power <paramref name="exponent"/> by square-and-always-multiply with a
    /// masked select, so neither base nor exponent shows in the timing.
    /// </summary>
    public Gf128 Pow(UInt128 exponent)
    {
        var result = One;
        for (var bit = 127; bit >= 0; bit--)
        {
            result = result.Square();
            var product = result * this;
            var mask = 0UL - (ulong)(exponent >> bit & 1);
            result = new Gf128(result.Lo ^ ((result.Lo ^ product.Lo) & mask), result.Hi ^ ((result.Hi ^ product.Hi) & mask));
        }
        return result;
    }

    /// <inheritdoc />
    public bool Equals(Gf128 other) => this == other;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Gf128 other && this == other;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Lo, Hi);

    /// <summary>Hex of the 128-bit integer, most significant digit first. For tests and public values only.</summary>
    public override string ToString() => $"{Hi:x16}{Lo:x16}";

    private static Gf128 SquareTimes(Gf128 a, int times)
    {
        for (var i = 0; i < times; i++)
        {
            a = a.Square();
        }
        return a;
    }
}
