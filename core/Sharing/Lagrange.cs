using System.Collections.Concurrent;
using System.Numerics;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// Lagrange coefficients: for a set of x-coordinates S and a point p, the λ_i with
/// f(p) = Σ λ_i·f(x_i) for every polynomial f of degree below |S|. They depend only on public
/// x values, so they are computed once per (S, p) and shared across threads.
/// </summary>
internal static class Lagrange
{
    // A fleet uses few x-sets; robust subset search may visit a few hundred. The bound only
    // stops a pathological caller from growing the cache without limit.
    private const int MaxCachedSets = 4096;

    private static readonly ConcurrentDictionary<(XSet Set, byte At), Gf128[]> Cache = new();

    /// <summary>
    /// Coefficients for the members of <paramref name="set"/> in ascending x order; the array is
    /// shared and must not be written.
    /// </summary>
    public static Gf128[] At(XSet set, byte at)
    {
        if (Cache.TryGetValue((set, at), out var cached))
        {
            return cached;
        }
        if (Cache.Count >= MaxCachedSets)
        {
            Cache.Clear();
        }
        return Cache.GetOrAdd((set, at), static key => Compute(key.Set, key.At));
    }

    /// <summary>The position of <paramref name="x"/> among the members of <paramref name="set"/> in ascending order.</summary>
    public static int Rank(XSet set, byte x)
    {
        var word = x >> 6;
        var below = (1UL << (x & 63)) - 1;
        var rank = 0;
        if (word > 0)
        {
            rank += BitOperations.PopCount(set.W0);
        }
        if (word > 1)
        {
            rank += BitOperations.PopCount(set.W1);
        }
        if (word > 2)
        {
            rank += BitOperations.PopCount(set.W2);
        }
        var w = word switch { 0 => set.W0, 1 => set.W1, 2 => set.W2, _ => set.W3 };
        return rank + BitOperations.PopCount(w & below);
    }

    /// <summary>Coefficients aligned with <paramref name="xs"/> as given (any order, no duplicates).</summary>
    public static void At(ReadOnlySpan<byte> xs, XSet set, byte at, Span<Gf128> coefficients)
    {
        var sorted = At(set, at);
        for (var i = 0; i < xs.Length; i++)
        {
            coefficients[i] = sorted[Rank(set, xs[i])];
        }
    }

    private static Gf128[] Compute(XSet set, byte at)
    {
        var k = set.Count;
        Span<byte> xs = stackalloc byte[k];
        set.CopySorted(xs);
        var p = Gf128.FromByte(at);
        var numerators = new Gf128[k];
        var denominators = new Gf128[k];
        for (var i = 0; i < k; i++)
        {
            var num = Gf128.One;
            var den = Gf128.One;
            var xi = Gf128.FromByte(xs[i]);
            for (var j = 0; j < k; j++)
            {
                if (j != i)
                {
                    var xj = Gf128.FromByte(xs[j]);
                    num *= p + xj;
                    den *= xi + xj;
                }
            }
            numerators[i] = num;
            denominators[i] = den;
        }
        // Distinct nonzero x's make every denominator nonzero; batch-invert them with one inversion.
        BatchInvert(denominators);
        for (var i = 0; i < k; i++)
        {
            numerators[i] *= denominators[i];
        }
        return numerators;
    }

    /// <summary>Replaces every element by its inverse with one field inversion (Montgomery's trick). All must be nonzero.</summary>
    public static void BatchInvert(Span<Gf128> values)
    {
        if (values.IsEmpty)
        {
            return;
        }
        var prefix = new Gf128[values.Length];
        var running = Gf128.One;
        for (var i = 0; i < values.Length; i++)
        {
            prefix[i] = running;
            running *= values[i];
        }
        if (running.IsZero)
        {
            throw new InvalidOperationException("Batch inversion of a zero element: a caller let a repeated x-coordinate through.");
        }
        var inverse = running.Inverse();
        for (var i = values.Length - 1; i >= 0; i--)
        {
            var value = values[i];
            values[i] = inverse * prefix[i];
            inverse *= value;
        }
    }
}
