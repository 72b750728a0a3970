using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class RobustCombineTests
{
    [Fact]
    public void Robust_combine_corrects_up_to_half_the_spare_shares_by_decoding_and_names_them()
    {
        SharingGen.Check(SharingGen.Scenarios(maxSecret: 1024), 120, s =>
        {
            var rng = new Random(s.Seed);
            var split = Shamir.Split(s.Secret, s.Threshold, s.ShareCount);
            var wrongCount = rng.Next(0, (s.ShareCount - s.Threshold) / 2 + 1);
            var (shares, wrong) = Corrupt(split.Shares, wrongCount, rng);
            var result = Shamir.CombineRobust(shares, split.Commitment, s.Threshold);
            Assert.True(result.Succeeded, result.Failure);
            Assert.Equal(s.Secret, result.Secret);
            Assert.Equal(wrong.Order(), result.BadXs.Order());
        });
    }

    [Fact]
    public void Robust_combine_finds_the_secret_whenever_t_shares_are_right_for_n_up_to_10()
    {
        SharingGen.Check(SharingGen.Scenarios(maxShares: 10, maxSecret: 256), 150, s =>
        {
            var rng = new Random(s.Seed);
            var split = Shamir.Split(s.Secret, s.Threshold, s.ShareCount);
            var (shares, wrong) = Corrupt(split.Shares, rng.Next(0, s.ShareCount - s.Threshold + 1), rng);
            var result = Shamir.CombineRobust(shares, split.Commitment, s.Threshold);
            Assert.True(result.Succeeded, result.Failure);
            Assert.Equal(s.Secret, result.Secret);
            Assert.Equal(wrong.Order(), result.BadXs.Order());
        });
    }

    [Fact]
    public void Colluding_wrong_shares_that_outnumber_the_right_ones_are_still_named()
    {
        // Four wrong shares agree on another polynomial (another split of a same-length secret):
        // decoding prefers them, the commitment rejects that, and subset search finds the three right ones.
        var split = Shamir.Split("the real secret"u8, 2, 7);
        var decoy = Shamir.Split("a decoy secret!"u8, 2, 7);
        var shares = split.Shares.Select(s => s.X <= 4 ? decoy.Shares[s.X - 1] : s).ToList();
        var result = Shamir.CombineRobust(shares, split.Commitment, 2);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal("the real secret"u8.ToArray(), result.Secret);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, result.BadXs);
    }

    [Fact]
    public void Robust_combine_reports_failure_when_fewer_than_t_shares_are_right()
    {
        var split = Shamir.Split("secret"u8, 3, 5);
        var (shares, _) = Corrupt(split.Shares, 3, new Random(9));
        var result = Shamir.CombineRobust(shares, split.Commitment, 3);
        Assert.False(result.Succeeded);
        Assert.Null(result.Secret);
        Assert.Contains("fewer than 3 are right", result.Failure);
    }

    [Fact]
    public void Robust_combine_with_one_wrong_block_deep_in_a_large_share_names_it()
    {
        var secret = new byte[4096];
        new Random(10).NextBytes(secret);
        var split = Shamir.Split(secret, 5, 20);
        var shares = split.Shares.ToList();
        var value = (byte[])shares[11].Value.Clone();
        value[3000] ^= 1;
        shares[11] = shares[11] with { Value = value };
        shares.Reverse(); // the bad share is among the first t, so the fast path fails and decoding runs
        var result = Shamir.CombineRobust(shares, split.Commitment, 5);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(secret, result.Secret);
        Assert.Equal(new byte[] { 12 }, result.BadXs);
    }

    [Fact]
    public void Robust_combine_decodes_at_255_shares()
    {
        var split = Shamir.Split("wide"u8, 100, 255);
        var (shares, wrong) = Corrupt(split.Shares, 77, new Random(11));
        var result = Shamir.CombineRobust(shares, split.Commitment, 100);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(wrong.Order(), result.BadXs.Order());
    }

    /// <summary>Replaces <paramref name="count"/> random shares by copies with random bytes flipped in random blocks.</summary>
    internal static (List<ShareValue> Shares, List<byte> Wrong) Corrupt(IReadOnlyList<ShareValue> shares, int count, Random rng)
    {
        var result = shares.OrderBy(_ => rng.Next()).ToList(); // also shuffles, so wrong shares land anywhere
        var wrong = new List<byte>();
        foreach (var i in Enumerable.Range(0, result.Count).OrderBy(_ => rng.Next()).Take(count))
        {
            var value = (byte[])result[i].Value.Clone();
            foreach (var at in Enumerable.Range(0, value.Length).OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)))
            {
                value[at] ^= (byte)rng.Next(1, 256); // distinct bytes, nonzero flips: the share is surely wrong
            }
            result[i] = result[i] with { Value = value };
            wrong.Add(result[i].X);
        }
        return (result, wrong);
    }
}
