namespace SecretFleet.Core.Sharing;

/// <summary>
/// Share recovery for a missing x: helpers deal polynomials vanishing at the target
/// (<see cref="DealtBatch"/> with zeroAt = target), each helper l sends
/// u_l = s_l + Σ_k r_k(x_l), and the target interpolates the u's at its own x. The u's lie on
/// s(x) + Σ r_k(x), which equals s(target) at the target and is random elsewhere.
/// </summary>
public static class ShareRecovery
{
    /// <summary>Writes the value at <paramref name="targetX"/> of the polynomial through the helpers' values into <paramref name="result"/>.</summary>
    /// <exception cref="SharingException">No helpers, counts that differ, a zero or repeated x, a target among the helpers, or values of mixed length.</exception>
    public static void Interpolate(ReadOnlySpan<byte> helperXs, IReadOnlyList<ReadOnlyMemory<byte>> helperValues, byte targetX, Span<byte> result)
    {
        var set = Helpers(helperXs, helperValues, result.Length);
        if (targetX == 0 || set.Contains(targetX))
        {
            throw new SharingException($"targetX {targetX} must be 1..255 and not one of the helpers.");
        }
        Span<Gf128> lambdas = stackalloc Gf128[helperXs.Length];
        Lagrange.At(helperXs, set, targetX, lambdas);
        result.Clear();
        for (var l = 0; l < helperXs.Length; l++)
        {
            Gf128Blocks.MultiplyAdd(result, helperValues[l].Span, lambdas[l]);
        }
    }

    /// <summary>
    /// With more than t helpers, checks that all values lie on one polynomial of degree below
    /// <paramref name="threshold"/> (one random combination of each helper's blocks, then
    /// error-correcting decoding) and names the helpers that do not.
    /// </summary>
    /// <exception cref="SharingException">Fewer helpers than the threshold, or the input faults of <see cref="Interpolate"/>.</exception>
    public static HelperConsistency FindInconsistentHelpers(ReadOnlySpan<byte> helperXs, IReadOnlyList<ReadOnlyMemory<byte>> helperValues, int threshold)
    {
        ArgumentNullException.ThrowIfNull(helperValues);
        var length = helperValues.Count > 0 ? helperValues[0].Length : 0;
        Helpers(helperXs, helperValues, length);
        if (threshold < 1 || helperXs.Length < threshold)
        {
            throw new SharingException($"threshold {threshold} with {helperXs.Length} helpers: need 1 ≤ threshold ≤ helpers.");
        }
        var r = RandomNonzero();
        var ys = new Gf128[helperXs.Length];
        for (var l = 0; l < ys.Length; l++)
        {
            ys[l] = Gf128Blocks.FoldPowers(helperValues[l].Span, r);
        }
        if (ReedSolomonDecoder.Decode(helperXs, ys, threshold) is not { } agreeing)
        {
            return new HelperConsistency(false, []);
        }
        var bad = new List<byte>();
        foreach (var x in helperXs)
        {
            if (!agreeing.Contains(x))
            {
                bad.Add(x);
            }
        }
        return new HelperConsistency(true, bad);
    }

    internal static Gf128 RandomNonzero()
    {
        Span<byte> seed = stackalloc byte[Gf128.BlockSize];
        Gf128 r;
        do
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
            r = Gf128.Read(seed);
        }
        while (r.IsZero);
        return r;
    }

    private static XSet Helpers(ReadOnlySpan<byte> helperXs, IReadOnlyList<ReadOnlyMemory<byte>> helperValues, int length)
    {
        ArgumentNullException.ThrowIfNull(helperValues);
        if (helperXs.IsEmpty || helperXs.Length != helperValues.Count)
        {
            throw new SharingException($"{helperXs.Length} helper x's and {helperValues.Count} helper values; give one value per helper, at least one.");
        }
        var set = XSet.Of(helperXs, "The helper list");
        if (length % Gf128.BlockSize != 0)
        {
            throw new SharingException($"The result is {length} bytes; share values are whole 16-byte blocks.");
        }
        for (var l = 0; l < helperValues.Count; l++)
        {
            if (helperValues[l].Length != length)
            {
                throw new SharingException($"Helper x {helperXs[l]} sent {helperValues[l].Length} bytes where {length} were expected; values of mixed length.");
            }
        }
        return set;
    }
}
