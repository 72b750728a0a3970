namespace SecretFleet.Core.Sharing;

/// <summary>
/// Combine with more than t shares, some possibly wrong. Every share is first reduced to one
/// field element, y_i = Σ_b r^(b+1)·value_i[b] for a fresh random r: the map is linear, so the
/// y's of right shares lie on one polynomial of degree below t, while a share wrong in any
/// block lands off it except with probability ≤ blocks/2^128. Decisions are made on the y's;
/// only candidates are interpolated in full and checked against the commitment.
/// </summary>
internal static class RobustCombiner
{
    /// <summary>Largest number of t-subsets searched when decoding cannot find the secret (C(10, 5) = 252).</summary>
    public const int SubsetSearchLimit = 1000;

    public static RobustCombineResult Combine(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> commitment, int t, int length)
    {
        var m = shares.Count;
        using var payload = new PooledBuffer(length);
        Shamir.Interpolate(shares, t, payload.Span);
        var firstVerifies = SecretLayout.Matches(payload.Span, commitment);
        if (m == t)
        {
            return firstVerifies
                ? RobustCombineResult.Recovered(SecretLayout.Decode(payload.Span), [])
                : RobustCombineResult.Failed($"The {t} shares given do not reconstruct the committed secret and there are no others to try; ask more nodes.");
        }

        Span<byte> xs = stackalloc byte[m];
        for (var i = 0; i < m; i++)
        {
            xs[i] = shares[i].X;
        }
        var ys = CombinedValues(shares);
        try
        {
            return Decide(shares, commitment, t, xs, ys, payload.Span, firstVerifies);
        }
        finally
        {
            // Each y folds one share's blocks; t of them interpolate to a fold of the payload's.
            ys.AsSpan().Clear();
        }
    }

    private static RobustCombineResult Decide(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> commitment, int t, ReadOnlySpan<byte> xs, Gf128[] ys, Span<byte> payload, bool firstVerifies)
    {
        var m = shares.Count;
        if (firstVerifies)
        {
            return Recovered(payload, xs, Agreeing(xs, ys, xs[..t]));
        }
        var decoded = ReedSolomonDecoder.Decode(xs, ys, t);
        if (decoded is { } agreeing && TryCandidate(shares, xs, agreeing, t, commitment, payload))
        {
            return Recovered(payload, xs, agreeing);
        }
        if (Combinations(m, t) <= SubsetSearchLimit)
        {
            var found = SearchSubsets(shares, xs, ys, t, commitment, payload);
            if (found is { } set)
            {
                return Recovered(payload, xs, set);
            }
            return RobustCombineResult.Failed($"No {t} of the {m} shares reconstruct the committed secret: fewer than {t} are right.");
        }
        return RobustCombineResult.Failed(
            $"The {m} shares hold more wrong ones than decoding corrects ({(m - t) / 2}) and too many subsets to search; ask more nodes.");
    }

    private static RobustCombineResult Recovered(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> xs, XSet agreeing)
    {
        var bad = new List<byte>();
        foreach (var x in xs)
        {
            if (!agreeing.Contains(x))
            {
                bad.Add(x);
            }
        }
        return RobustCombineResult.Recovered(SecretLayout.Decode(payload), bad);
    }

    private static Gf128[] CombinedValues(IReadOnlyList<ShareValue> shares)
    {
        var r = ShareRecovery.RandomNonzero();
        var ys = new Gf128[shares.Count];
        for (var i = 0; i < ys.Length; i++)
        {
            ys[i] = Gf128Blocks.FoldPowers(shares[i].Value, r);
        }
        return ys;
    }

    /// <summary>The x's whose combined values lie on the polynomial through the points at <paramref name="basis"/>.</summary>
    private static XSet Agreeing(ReadOnlySpan<byte> xs, ReadOnlySpan<Gf128> ys, ReadOnlySpan<byte> basis)
    {
        var basisSet = XSet.Of(basis, "The share list");
        Span<Gf128> basisYs = stackalloc Gf128[basis.Length];
        for (var i = 0; i < basis.Length; i++)
        {
            basisYs[Lagrange.Rank(basisSet, basis[i])] = ys[xs.IndexOf(basis[i])];
        }
        var agreeing = basisSet;
        for (var i = 0; i < xs.Length; i++)
        {
            if (basisSet.Contains(xs[i]))
            {
                continue;
            }
            var lambdas = Lagrange.At(basisSet, xs[i]);
            var expected = Gf128.Zero;
            for (var j = 0; j < lambdas.Length; j++)
            {
                expected += lambdas[j] * basisYs[j];
            }
            if (expected == ys[i])
            {
                agreeing = agreeing.With(xs[i]);
            }
        }
        return agreeing;
    }

    /// <summary>Interpolates the payload from the first t shares in <paramref name="set"/> and checks the commitment.</summary>
    private static bool TryCandidate(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> xs, XSet set, int t, ReadOnlySpan<byte> commitment, Span<byte> payload)
    {
        var chosen = new ShareValue[t];
        var n = 0;
        for (var i = 0; i < xs.Length && n < t; i++)
        {
            if (set.Contains(xs[i]))
            {
                chosen[n++] = shares[i];
            }
        }
        if (n < t)
        {
            return false;
        }
        Shamir.Interpolate(chosen, t, payload);
        return SecretLayout.Matches(payload, commitment);
    }

    private static XSet? SearchSubsets(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> xs, ReadOnlySpan<Gf128> ys, int t, ReadOnlySpan<byte> commitment, Span<byte> payload)
    {
        var tried = new List<XSet>();
        Span<int> pick = stackalloc int[t];
        Span<byte> basis = stackalloc byte[t];
        for (var i = 0; i < t; i++)
        {
            pick[i] = i;
        }
        do
        {
            for (var i = 0; i < t; i++)
            {
                basis[i] = xs[pick[i]];
            }
            var subset = XSet.Of(basis, "The share list");
            if (!tried.Exists(s => subset.IsSubsetOf(s)))
            {
                // Any t points on a polynomial determine it, so subsets inside this agreement set repeat it.
                var agreeing = Agreeing(xs, ys, basis);
                tried.Add(agreeing);
                if (TryCandidate(shares, xs, subset, t, commitment, payload))
                {
                    return agreeing;
                }
            }
        }
        while (NextCombination(pick, xs.Length));
        return null;
    }

    private static bool NextCombination(Span<int> pick, int n)
    {
        var k = pick.Length;
        var i = k - 1;
        while (i >= 0 && pick[i] == n - k + i)
        {
            i--;
        }
        if (i < 0)
        {
            return false;
        }
        pick[i]++;
        for (var j = i + 1; j < k; j++)
        {
            pick[j] = pick[j - 1] + 1;
        }
        return true;
    }

    private static long Combinations(int n, int k)
    {
        long c = 1;
        for (var i = 1; i <= k; i++)
        {
            c = c * (n - k + i) / i;
            if (c > SubsetSearchLimit)
            {
                return c;
            }
        }
        return c;
    }
}
