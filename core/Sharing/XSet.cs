using System.Numerics;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// A set of share x-coordinates (1..255) as a 256-bit bitmap: the canonical, order-free key of
/// the Lagrange cache and a cheap duplicate check.
/// </summary>
internal readonly record struct XSet(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public int Count => BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    public bool Contains(byte x) => (Word(x >> 6) >> (x & 63) & 1) != 0;

    public XSet With(byte x) => (x >> 6) switch
    {
        0 => this with { W0 = W0 | 1UL << (x & 63) },
        1 => this with { W1 = W1 | 1UL << (x & 63) },
        2 => this with { W2 = W2 | 1UL << (x & 63) },
        _ => this with { W3 = W3 | 1UL << (x & 63) },
    };

    public bool IsSubsetOf(XSet other) =>
        (W0 & ~other.W0) == 0 && (W1 & ~other.W1) == 0 && (W2 & ~other.W2) == 0 && (W3 & ~other.W3) == 0;

    /// <summary>Writes the members in ascending order; returns how many.</summary>
    public int CopySorted(Span<byte> destination)
    {
        var n = 0;
        for (var w = 0; w < 4; w++)
        {
            var bits = Word(w);
            while (bits != 0)
            {
                destination[n++] = (byte)(w * 64 + BitOperations.TrailingZeroCount(bits));
                bits &= bits - 1;
            }
        }
        return n;
    }

    /// <summary>
    /// The set of <paramref name="xs"/>; throws <see cref="SharingException"/> on x = 0 or a
    /// repeated x, naming it.
    /// </summary>
    public static XSet Of(ReadOnlySpan<byte> xs, string what)
    {
        var set = default(XSet);
        foreach (var x in xs)
        {
            set = set.Adding(x, what);
        }
        return set;
    }

    /// <summary>This set plus <paramref name="x"/>; throws <see cref="SharingException"/> on x = 0 or a repeat.</summary>
    public XSet Adding(byte x, string what)
    {
        if (x == 0)
        {
            throw new SharingException($"{what} has x = 0, which would be the secret itself; x-coordinates are 1..255.");
        }
        if (Contains(x))
        {
            throw new SharingException($"{what} has duplicate x {x}; each x-coordinate may appear once.");
        }
        return With(x);
    }

    private ulong Word(int w) => w switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
}
