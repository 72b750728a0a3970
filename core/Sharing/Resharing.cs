namespace SecretFleet.Core.Sharing;

/// <summary>
/// The checks and the combination of a resharing (n, t) → (n', t') (DESIGN.md §3,
/// docs/protocol.md "Resharing"): receivers check each dealer's published C against what they
/// got, everyone checks that the dealers' constants C_i(0) lie on one polynomial of degree
/// below t, and each new node combines the values of an agreed set of t dealers. The dealer's
/// side is <see cref="ResharingDealing"/>. All of it is field arithmetic on public x's; the
/// only data-dependent branching is on public values (published C's, verdicts).
/// </summary>
public static class Resharing
{
    private static readonly byte[] Domain = "SecretFleet/resharing/v1"u8.ToArray();

    /// <summary>
    /// The common challenge r of one batch: <see cref="BatchCheck.Challenge"/> under a resharing
    /// domain over <paramref name="context"/>, <paramref name="idsHash"/> and the digests of
    /// <b>every</b> dealer to every receiver, dealer-major, in a fixed order. One r for all
    /// dealers is what puts honest constants on one polynomial; deriving it from every digest
    /// binds every dealer's dealing before r exists (μ is fixed earlier still).
    /// </summary>
    public static Gf128 Challenge(ReadOnlySpan<byte> context, ReadOnlySpan<byte> idsHash, IReadOnlyList<byte[]> allDigests)
    {
        var tagged = new byte[Domain.Length + context.Length];
        Domain.CopyTo(tagged, 0);
        context.CopyTo(tagged.AsSpan(Domain.Length));
        return BatchCheck.Challenge(tagged, idsHash, allDigests);
    }

    /// <summary>
    /// True when the dealer's published <paramref name="combined"/> matches what receiver
    /// <paramref name="receiverX"/> got: C(y_j) = h(y_j) + Σ_m r^(m+1)·g_m(y_j). Malformed
    /// dealer data (values not whole blocks or not <paramref name="blockCount"/> of them, a
    /// mask not 16 bytes, other than t' coefficients, so a C of too high degree) fails.
    /// </summary>
    /// <exception cref="SharingException">Receiver-side misuse: t' outside 1..255, x = 0, a negative block count.</exception>
    public static bool Verify(int newThreshold, byte receiverX, int blockCount, ReadOnlySpan<byte> values, ReadOnlySpan<byte> mask, Gf128 challenge, ReadOnlySpan<byte> combined)
    {
        Receiver(newThreshold, receiverX, blockCount);
        if (values.Length != blockCount * Gf128.BlockSize || mask.Length != Gf128.BlockSize || combined.Length != newThreshold * Gf128.BlockSize)
        {
            return false;
        }
        var expected = Gf128Blocks.Evaluate(combined, receiverX);
        var received = Gf128.Read(mask) + Gf128Blocks.FoldPowers(values, challenge);
        return expected == received;
    }

    /// <summary>
    /// Receiver j's verdict on every dealer of the batch: the x's of the dealers whose
    /// published C does not match what j received (see <see cref="Verify"/>), ascending. A
    /// dealer named here is left out of the public check and of D.
    /// </summary>
    /// <exception cref="SharingException">Receiver-side misuse (see <see cref="Verify"/>), or a dealer x that is 0 or repeated.</exception>
    public static IReadOnlyList<byte> FailingDealers(int newThreshold, byte receiverX, int blockCount, Gf128 challenge, IReadOnlyList<ReceivedDealing> dealings)
    {
        ArgumentNullException.ThrowIfNull(dealings);
        Receiver(newThreshold, receiverX, blockCount);
        var seen = default(XSet);
        var failing = default(XSet);
        foreach (var dealing in dealings)
        {
            ArgumentNullException.ThrowIfNull(dealing);
            seen = seen.Adding(dealing.DealerX, "The dealer list");
            if (dealing.Values is null || dealing.Mask is null || dealing.Combined is null
                || !Verify(newThreshold, receiverX, blockCount, dealing.Values, dealing.Mask, challenge, dealing.Combined))
            {
                failing = failing.With(dealing.DealerX);
            }
        }
        return Sorted(failing);
    }

    /// <summary>C(0), the constant of a published combination: what the public check looks at.</summary>
    public static Gf128 ConstantOf(ReadOnlySpan<byte> combined)
    {
        if (combined.Length < Gf128.BlockSize || combined.Length % Gf128.BlockSize != 0)
        {
            throw new SharingException($"A published combination is {combined.Length} bytes; it is t' whole 16-byte coefficients.");
        }
        return Gf128.Read(combined);
    }

    /// <summary>
    /// The public check: do the points (x_i, C_i(0)) of the dealers no receiver named lie on
    /// one polynomial of degree below <paramref name="oldThreshold"/>? Reed–Solomon decoding
    /// names up to ⌊(n − t)/2⌋ dealers off it. The resharing may commit only when at least
    /// 2t − 1 dealers are on it: with up to t − 1 of the old committee corrupt, that leaves t
    /// honest dealers on the polynomial, which pins it to the true one, so everyone on it dealt
    /// its own share and everyone off it did not. D is then the t lowest x's on it.
    /// </summary>
    /// <exception cref="SharingException">t outside 1..255, counts that differ, or a dealer x that is 0 or repeated.</exception>
    public static ResharingVerdict CheckConstants(ReadOnlySpan<byte> dealerXs, ReadOnlySpan<Gf128> constants, int oldThreshold)
    {
        if (oldThreshold < 1 || oldThreshold > SharingGuard.MaxShares)
        {
            throw new SharingException($"oldThreshold {oldThreshold} is outside 1..{SharingGuard.MaxShares}.");
        }
        if (dealerXs.Length != constants.Length)
        {
            throw new SharingException($"{dealerXs.Length} dealer x's and {constants.Length} constants; give one constant per dealer.");
        }
        var all = XSet.Of(dealerXs, "The dealer list");
        var needed = 2 * oldThreshold - 1;
        if (dealerXs.Length < needed)
        {
            return Refused([], [], $"Only {dealerXs.Length} dealers for old threshold {oldThreshold}; at least {needed} (2t − 1) must agree, or t − 1 corrupt dealers could shift the secret unseen.");
        }
        if (ReedSolomonDecoder.Decode(dealerXs, constants, oldThreshold) is not { } consistent)
        {
            return Refused([], [], $"The {dealerXs.Length} dealers' constants are off one polynomial of degree below {oldThreshold} in more places than decoding can name (at most {(dealerXs.Length - oldThreshold) / 2}); abort and rebuild.");
        }
        var named = default(XSet);
        foreach (var x in dealerXs)
        {
            if (!consistent.Contains(x))
            {
                named = named.With(x);
            }
        }
        var on = Sorted(consistent);
        var off = Sorted(named);
        if (on.Count < needed)
        {
            return Refused(on, off, $"Only {on.Count} of {all.Count} dealers are consistent; at least {needed} (2t − 1) must be for the decoded polynomial to be the true one, so the named dealers are suspects and the resharing aborts.");
        }
        var agreed = new byte[oldThreshold];
        for (var i = 0; i < oldThreshold; i++)
        {
            agreed[i] = on[i];
        }
        return new ResharingVerdict(on, off, agreed, null);
    }

    /// <summary>
    /// New node j's share of every block: Σ_{i∈D} λ_i·g_{i,m}(y_j), λ the Lagrange coefficients
    /// at 0 for D. The result lies on Σ λ_i·g_{i,m}, of degree ≤ t' − 1 with constant
    /// Σ λ_i·s_{i,m} = the secret block. Every new node must use the same D (the verdict's
    /// <see cref="ResharingVerdict.AgreedDealers"/>), or their shares lie on different polynomials.
    /// </summary>
    /// <exception cref="SharingException">|D| ≠ t, a zero or repeated x, counts that differ, or values not the share's length.</exception>
    public static void Combine(int oldThreshold, ReadOnlySpan<byte> agreedDealers, IReadOnlyList<ReadOnlyMemory<byte>> values, Span<byte> newShare)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (oldThreshold < 1 || agreedDealers.Length != oldThreshold || values.Count != oldThreshold)
        {
            throw new SharingException($"{agreedDealers.Length} agreed dealers and {values.Count} values for old threshold {oldThreshold}; combine exactly t, the agreed set D.");
        }
        var set = XSet.Of(agreedDealers, "The agreed dealer list");
        if (newShare.Length % Gf128.BlockSize != 0)
        {
            throw new SharingException($"The new share is {newShare.Length} bytes; share values are whole 16-byte blocks.");
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Length != newShare.Length)
            {
                throw new SharingException($"Dealer x {agreedDealers[i]} dealt {values[i].Length} bytes where {newShare.Length} were expected.");
            }
        }
        Span<Gf128> lambdas = stackalloc Gf128[oldThreshold];
        Lagrange.At(agreedDealers, set, 0, lambdas);
        newShare.Clear();
        for (var i = 0; i < values.Count; i++)
        {
            Gf128Blocks.MultiplyAdd(newShare, values[i].Span, lambdas[i]);
        }
    }

    internal static void NewCommittee(int newThreshold, ReadOnlySpan<byte> receiverXs)
    {
        XSet.Of(receiverXs, "The new committee");
        if (newThreshold < 1 || newThreshold > receiverXs.Length)
        {
            throw new SharingException($"newThreshold {newThreshold} with {receiverXs.Length} receivers; need 1 ≤ t' ≤ n'.");
        }
    }

    private static void Receiver(int newThreshold, byte receiverX, int blockCount)
    {
        if (newThreshold < 1 || newThreshold > SharingGuard.MaxShares)
        {
            throw new SharingException($"newThreshold {newThreshold} is outside 1..{SharingGuard.MaxShares}.");
        }
        if (receiverX == 0)
        {
            throw new SharingException("receiverX is 0; new-committee x-coordinates are 1..255.");
        }
        if (blockCount < 0 || blockCount > BatchCheck.MaxBlocks)
        {
            throw new SharingException($"blockCount {blockCount} is outside 0..{BatchCheck.MaxBlocks}.");
        }
    }

    private static ResharingVerdict Refused(IReadOnlyList<byte> on, IReadOnlyList<byte> off, string reason) => new(on, off, [], reason);

    private static List<byte> Sorted(XSet set)
    {
        Span<byte> xs = stackalloc byte[set.Count];
        set.CopySorted(xs);
        return [.. xs];
    }
}
