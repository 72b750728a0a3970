using System.Security.Cryptography;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class ResharingTests
{
    private static readonly int[] SecretLengths = [1, 50, 300];

    /// <summary>(t, n) → (t', n'): shrink, grow, grow from the smallest fleet, and t' = 1.</summary>
    public static TheoryData<int, int, int, int> Cases => new()
    {
        { 3, 5, 2, 3 },
        { 3, 5, 4, 7 },
        { 2, 3, 3, 5 },
        { 3, 5, 1, 3 },
        { 2, 3, 1, 1 },
    };

    /// <summary>The cases whose old committee has n ≥ t + 2, so one cheater can be named.</summary>
    public static TheoryData<int, int, int, int> NamingCases => new()
    {
        { 3, 5, 2, 3 },
        { 3, 5, 4, 7 },
        { 3, 5, 1, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_secret_recovers_to_the_same_bytes_from_any_t_prime_new_shares(int t, int n, int newT, int newN)
    {
        var (secrets, splits) = Secrets(t, n);
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), t, Xs(newN), newT);

        Assert.True(run.Verdict.CanCommit, run.Verdict.Refusal);
        Assert.Empty(run.Accused);
        Assert.Empty(run.Verdict.NamedXs);
        Assert.Equal(Xs(t), run.Verdict.AgreedDealers);
        for (var s = 0; s < secrets.Count; s++)
        {
            Assert.Equal(newN, run.NewShares[s].Count);
            foreach (var subset in ResharingSimulation.Subsets(run.NewShares[s], newT))
            {
                Assert.Equal(secrets[s], Shamir.Combine(subset, splits[s].Commitment, newT));
            }
        }
    }

    [Fact]
    public void Resharing_down_and_back_up_keeps_the_secret()
    {
        var (secrets, splits) = Secrets(3, 5);
        var down = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), 3, Xs(3), 2);
        var up = ResharingSimulation.Reshare(down.NewShares, 2, Xs(5), 3);
        for (var s = 0; s < secrets.Count; s++)
        {
            foreach (var subset in ResharingSimulation.Subsets(up.NewShares[s], 3))
            {
                Assert.Equal(secrets[s], Shamir.Combine(subset, splits[s].Commitment, 3));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fewer_than_t_prime_new_shares_are_explained_as_well_by_a_fake_secret(int t, int n, int newT, int newN)
    {
        var (_, splits) = Secrets(t, n);
        var oldShares = splits.Select(s => s.Shares).ToList();
        var run = ResharingSimulation.Reshare(oldShares, t, Xs(newN), newT);
        var coalition = Xs(newT - 1);
        for (var s = 0; s < splits.Count; s++)
        {
            var real = run.NewShares[s];
            var length = real[0].Value.Length;
            var fakeSecret = RandomNumberGenerator.GetBytes(SecretLengths[s]);
            var fakePayload = new byte[length];
            SecretLayout.Encode(fakeSecret, RandomNumberGenerator.GetBytes(SecretLayout.SaltBytes), fakePayload);
            var difference = fakePayload.ToArray();
            Gf128Blocks.Add(difference, ResharingSimulation.Payload(real, newT));

            // fake = real + V·(fake payload − real payload), V of degree t' − 1, 1 at 0 and 0 on
            // the coalition: a whole sharing of the fake secret, of the right degree, that gives
            // the coalition exactly what the real resharing gave it.
            var fake = real.Select(share =>
            {
                var value = share.Value.ToArray();
                Gf128Blocks.MultiplyAdd(value, difference, ResharingSimulation.VanishingOn(coalition, share.X));
                return new ShareValue(share.X, value);
            }).ToList();
            foreach (var x in coalition)
            {
                Assert.Equal(real[x - 1].Value, fake[x - 1].Value);
            }
            foreach (var subset in ResharingSimulation.Subsets(fake, newT))
            {
                Assert.Equal(fakeSecret, Shamir.Combine(subset, SecretLayout.Commit(fakePayload), newT));
            }
            if (newT >= 2)
            {
                // Not vacuous: the coalition's values are fresh each time, and are not a sharing
                // of lower degree that would already give the secret away.
                var again = ResharingSimulation.Reshare(oldShares, t, Xs(newN), newT);
                Assert.NotEqual(real[0].Value, again.NewShares[s][0].Value);
                var guess = new byte[length];
                Shamir.Interpolate(real.Take(newT - 1).ToList(), newT - 1, guess);
                Assert.NotEqual(ResharingSimulation.Payload(real, newT), guess);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Old_shares_combined_with_new_shares_do_not_recover_the_secret(int t, int n, int newT, int newN)
    {
        var (_, splits) = Secrets(t, n);
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), t, Xs(newN), newT);
        var tried = 0;
        foreach (var threshold in new[] { t, newT }.Where(k => k >= 2).Distinct())
        {
            for (var fromNew = 1; fromNew < threshold; fromNew++)
            {
                // New shares from the low x's, old ones from the high x's, so every x is distinct.
                var fromOld = threshold - fromNew;
                if (fromNew > newN || n - fromOld < fromNew)
                {
                    continue;
                }
                for (var s = 0; s < splits.Count; s++)
                {
                    var mixed = run.NewShares[s].Take(fromNew).Concat(splits[s].Shares.Skip(n - fromOld)).ToList();
                    var e = Assert.Throws<SharingException>(() => Shamir.Combine(mixed, splits[s].Commitment, threshold));
                    Assert.Contains("commitment mismatch", e.Message);
                    tried++;
                }
            }
        }
        Assert.True(tried > 0);
    }

    [Theory]
    [MemberData(nameof(NamingCases))]
    public void Dealer_dealing_another_block_as_its_constant_is_named_by_the_public_check(int t, int n, int newT, int newN)
    {
        var (_, splits) = Secrets(t, n);
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), t, Xs(newN), newT, constantCheaters: [2]);

        // Its dealing is a consistent sharing, so no receiver can tell; only the constants show it.
        Assert.Empty(run.Accused);
        Assert.Equal(new byte[] { 2 }, run.Verdict.NamedXs);
        Assert.False(run.Verdict.CanCommit);
        Assert.Empty(run.Verdict.AgreedDealers);
        Assert.Empty(run.NewShares);
    }

    [Theory]
    [InlineData(2, 3, 3, 5)]
    [InlineData(2, 3, 1, 1)]
    public void With_three_old_nodes_a_constant_cheater_is_caught_but_cannot_be_named(int t, int n, int newT, int newN)
    {
        // n = t + 1: decoding corrects ⌊(n − t)/2⌋ = 0 errors, so it sees the constants are off
        // one polynomial but not whose; the resharing refuses and names nobody.
        var (_, splits) = Secrets(t, n);
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), t, Xs(newN), newT, constantCheaters: [2]);
        Assert.False(run.Verdict.CanCommit);
        Assert.Empty(run.Verdict.NamedXs);
        Assert.Contains("decoding", run.Verdict.Refusal);
    }

    [Fact]
    public void With_seven_old_nodes_two_named_dealers_are_left_out_and_every_secret_survives()
    {
        var (secrets, splits) = Secrets(3, 7);
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), 3, Xs(3), 2, constantCheaters: [2, 6]);

        Assert.Equal(new byte[] { 2, 6 }, run.Verdict.NamedXs);
        Assert.True(run.Verdict.CanCommit, run.Verdict.Refusal);
        Assert.Equal(new byte[] { 1, 3, 4 }, run.Verdict.AgreedDealers);
        for (var s = 0; s < secrets.Count; s++)
        {
            foreach (var subset in ResharingSimulation.Subsets(run.NewShares[s], 2))
            {
                Assert.Equal(secrets[s], Shamir.Combine(subset, splits[s].Commitment, 2));
            }
        }
    }

    [Fact]
    public void Two_colluding_dealers_that_steer_the_decoder_onto_an_honest_dealer_cannot_commit()
    {
        // 3-of-5, dealers 4 and 5 corrupt: both add Δ(x) = c·(x + 1)(x + 2) to every block.
        // Δ vanishes at honest 1 and 2, so {1, 2, 4, 5} lie on one polynomial of degree 2 and
        // decoding (which corrects one error) names honest dealer 3. Four agreeing dealers are
        // fewer than 2t − 1 = 5, so the verdict refuses instead of committing a shifted secret.
        var (_, splits) = Secrets(3, 5);
        var c = RandomNumberGenerator.GetBytes(16);
        var shifted = new Dictionary<byte, byte[]>();
        foreach (var x in new byte[] { 4, 5 })
        {
            var blocks = splits.SelectMany(s => s.Shares[x - 1].Value).ToArray();
            var shift = Enumerable.Repeat(c, blocks.Length / 16).SelectMany(b => b).ToArray();
            Gf128Blocks.MultiplyAdd(blocks, shift, Gf128.FromByte((byte)(x ^ 1)) * Gf128.FromByte((byte)(x ^ 2)));
            shifted[x] = blocks;
        }
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), 3, Xs(3), 2, dealtBlocks: shifted);

        Assert.Empty(run.Accused);
        Assert.Equal(new byte[] { 3 }, run.Verdict.NamedXs);
        Assert.False(run.Verdict.CanCommit);
        Assert.Empty(run.NewShares);
    }

    [Fact]
    public void Too_few_dealers_to_outvote_t_minus_one_cheaters_are_refused()
    {
        // 3-of-4: two corrupt dealers could shift the secret by a polynomial vanishing at the
        // two honest x's and still agree with them, so no verdict over four dealers commits.
        var constants = new[] { Gf128.One, Gf128.One, Gf128.One, Gf128.One };
        var verdict = Resharing.CheckConstants([1, 2, 3, 4], constants, 3);
        Assert.False(verdict.CanCommit);
        Assert.Contains("2t − 1", verdict.Refusal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dealer_inconsistent_to_one_receiver_is_named_by_that_receiver_only(int t, int n, int newT, int newN)
    {
        var (_, splits) = Secrets(t, n);
        var victim = (byte)newN;
        var run = ResharingSimulation.Reshare(splits.Select(s => s.Shares).ToList(), t, Xs(newN), newT, tamper: (2, victim));

        Assert.Equal(new byte[] { 2 }, run.Complaints[victim]);
        foreach (var (receiver, named) in run.Complaints.Where(c => c.Key != victim))
        {
            Assert.True(named.Count == 0, $"receiver {receiver} named {string.Join(",", named)}");
        }
        Assert.DoesNotContain((byte)2, run.Verdict.ConsistentXs);
    }

    [Fact]
    public void A_published_combination_of_too_high_degree_fails_at_every_receiver()
    {
        var receivers = Xs(5);
        var mu = ResharingSimulation.MaskShares(Xs(5), 3);
        using var dealing = ResharingDealing.Deal(1, RandomNumberGenerator.GetBytes(64), mu[0], 3, receivers);
        var r = ShareRecovery.RandomNonzero();
        var combined = dealing.CombinedCoefficients(r);
        var padded = combined.Concat(new byte[16]).ToArray(); // same values, one coefficient too many
        for (var j = 0; j < receivers.Length; j++)
        {
            Assert.True(Resharing.Verify(3, receivers[j], 4, dealing.ValuesFor(j), dealing.MaskFor(j), r, combined));
            Assert.False(Resharing.Verify(3, receivers[j], 4, dealing.ValuesFor(j), dealing.MaskFor(j), r, padded));
        }
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(2, 3)]
    [InlineData(4, 7)]
    public void Published_constants_are_the_same_for_two_different_secret_sets_under_an_equally_likely_mask(int t, int n)
    {
        var xs = Xs(n);
        var corrupt = Xs(t - 1);
        var (_, splitsA) = Secrets(t, n);
        var payloadsA = splitsA.Select(s => ResharingSimulation.Payload(s.Shares, t)).ToList();
        var payloadsB = payloadsA.Select(p =>
        {
            var other = new byte[p.Length];
            SecretLayout.Encode(RandomNumberGenerator.GetBytes(SecretLayout.Decode(p).Length), RandomNumberGenerator.GetBytes(SecretLayout.SaltBytes), other);
            return other;
        }).ToList();
        var differences = payloadsA.Select((p, s) =>
        {
            var d = p.ToArray();
            Gf128Blocks.Add(d, payloadsB[s]);
            return d;
        }).ToList();
        var difference = differences.SelectMany(d => d).ToArray();

        // Set B's old shares agree with A's at the corrupt x's: B = A + V·(payload B − payload A).
        var blocksA = xs.Select((_, i) => splitsA.SelectMany(s => s.Shares[i].Value).ToArray()).ToArray();
        var blocksB = xs.Select((x, i) =>
        {
            var b = blocksA[i].ToArray();
            Gf128Blocks.MultiplyAdd(b, difference, ResharingSimulation.VanishingOn(corrupt, x));
            return b;
        }).ToArray();
        for (var s = 0; s < payloadsB.Count; s++)
        {
            var offset = splitsA.Take(s).Sum(p => p.Shares[0].Value.Length);
            var sharesB = xs.Select((x, i) => new ShareValue(x, blocksB[i].AsSpan(offset, payloadsB[s].Length).ToArray())).Take(t).ToList();
            Assert.Equal(payloadsB[s], ResharingSimulation.Payload(sharesB, t));
        }

        // μ_B = μ_A + V·Σ r^(m+1)·(B_m − A_m): also of degree t − 1, equal to μ_A at the corrupt
        // x's, and exactly as likely as μ_A (a fixed shift of a uniform polynomial).
        var r = ShareRecovery.RandomNonzero();
        var muCoefficients = RandomNumberGenerator.GetBytes(t * 16);
        var muA = ResharingSimulation.MaskShares(xs, muCoefficients);
        var shift = Gf128Blocks.FoldPowers(difference, r);
        var muB = xs.Select((x, i) => (Gf128.Read(muA[i]) + ResharingSimulation.VanishingOn(corrupt, x) * shift).ToBytes()).ToArray();

        var constantsA = new Gf128[n];
        var constantsB = new Gf128[n];
        for (var i = 0; i < n; i++)
        {
            using var dealingA = ResharingDealing.Deal(xs[i], blocksA[i], muA[i], 2, Xs(3));
            using var dealingB = ResharingDealing.Deal(xs[i], blocksB[i], muB[i], 2, Xs(3));
            constantsA[i] = Resharing.ConstantOf(dealingA.CombinedCoefficients(r));
            constantsB[i] = Resharing.ConstantOf(dealingB.CombinedCoefficients(r));
        }
        foreach (var x in corrupt)
        {
            Assert.Equal(blocksA[x - 1], blocksB[x - 1]);
            Assert.Equal(muA[x - 1], muB[x - 1]);
        }
        Assert.Equal(constantsA, constantsB);
        Assert.NotEqual(Gf128Blocks.FoldPowers(payloadsA.SelectMany(p => p).ToArray(), r), Gf128Blocks.FoldPowers(payloadsB.SelectMany(p => p).ToArray(), r));

        // What the constants do reveal is the fold of the secrets plus μ(0), uniform: without μ
        // they would interpolate to the fold itself.
        var lambdas = Lagrange.At(XSet.Of(xs, "test"), 0);
        var atZero = Gf128.Zero;
        for (var i = 0; i < n; i++)
        {
            atZero += lambdas[i] * constantsA[i];
        }
        var foldA = Gf128Blocks.FoldPowers(payloadsA.SelectMany(p => p).ToArray(), r);
        Assert.NotEqual(foldA, atZero);
        Assert.Equal(foldA + Gf128.Read(muCoefficients), atZero);
    }

    private static (List<byte[]> Secrets, List<SplitResult> Splits) Secrets(int t, int n)
    {
        var secrets = SecretLengths.Select(RandomNumberGenerator.GetBytes).ToList();
        return (secrets, secrets.Select(s => Shamir.Split(s, t, n)).ToList());
    }

    private static byte[] Xs(int count) => Enumerable.Range(1, count).Select(x => (byte)x).ToArray();
}
