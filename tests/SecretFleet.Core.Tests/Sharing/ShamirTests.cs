using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class ShamirTests
{
    [Fact]
    public void Split_then_combine_returns_the_secret_from_any_t_shares()
    {
        SharingGen.Check(SharingGen.Scenarios(), 120, s =>
        {
            var split = Shamir.Split(s.Secret, s.Threshold, s.ShareCount);
            Assert.Equal(s.ShareCount, split.Shares.Count);
            Assert.All(split.Shares.Select((share, i) => (share, i)), p => Assert.Equal(p.i + 1, p.share.X));
            Assert.All(split.Shares, share => Assert.Equal(SecretLayout.PayloadBytes(s.Secret.Length), share.Value.Length));
            var rng = new Random(s.Seed);
            var subset = split.Shares.OrderBy(_ => rng.Next()).Take(s.Threshold).ToList();
            Assert.Equal(s.Secret, Shamir.Combine(subset, split.Commitment, s.Threshold));
        });
    }

    [Fact]
    public void Fewer_than_t_shares_with_a_guessed_last_share_fail_the_commitment()
    {
        var split = Shamir.Split("hunter2"u8, 3, 5);
        var forged = new ShareValue(5, new byte[split.Shares[0].Value.Length]);
        var e = Assert.Throws<SharingException>(() => Shamir.Combine([split.Shares[0], split.Shares[1], forged], split.Commitment, 3));
        Assert.Contains("commitment mismatch", e.Message);
    }

    [Fact]
    public void Two_splits_of_one_secret_share_nothing_and_commit_differently()
    {
        var a = Shamir.Split("same secret"u8, 2, 3);
        var b = Shamir.Split("same secret"u8, 2, 3);
        Assert.NotEqual(a.Commitment, b.Commitment); // the salt differs
        Assert.NotEqual(a.Shares[0].Value, b.Shares[0].Value);
    }

    [Fact]
    public void Threshold_one_shares_are_the_payload_and_recover_alone()
    {
        var split = Shamir.Split([42], 1, 3);
        Assert.Equal(split.Shares[0].Value, split.Shares[2].Value);
        Assert.Equal(new byte[] { 42 }, Shamir.Combine([split.Shares[2]], split.Commitment, 1));
    }

    [Fact]
    public void Largest_secret_at_the_configured_limit_round_trips()
    {
        var secret = new byte[SecretLayout.DefaultMaxSecretBytes];
        new Random(7).NextBytes(secret);
        var split = Shamir.Split(secret, 3, 5);
        Assert.Equal(secret, Shamir.Combine([split.Shares[4], split.Shares[0], split.Shares[2]], split.Commitment, 3));
        var small = Shamir.Split(new byte[10], 2, 2, maxSecretBytes: 10);
        Assert.Equal(new byte[10], Shamir.Combine(small.Shares, small.Commitment, 2));
    }

    [Fact]
    public void More_than_t_shares_combine_from_the_first_t()
    {
        var split = Shamir.Split("more"u8, 2, 4);
        Assert.Equal("more"u8.ToArray(), Shamir.Combine(split.Shares, split.Commitment, 2));
    }
}
