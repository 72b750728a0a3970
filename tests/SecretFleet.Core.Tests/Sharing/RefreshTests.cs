using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class RefreshTests
{
    [Fact]
    public void Hundred_refreshes_keep_the_secret_change_every_share_and_any_t_shares_of_any_epoch_recover()
    {
        // Sizes stay moderate: each case runs 100 epochs of n dealers × n receivers.
        SharingGen.Check(SharingGen.Scenarios(minThreshold: 2, maxShares: 16, maxSecret: 1024), 15, s =>
        {
            var split = Shamir.Split(s.Secret, s.Threshold, s.ShareCount);
            var rng = new Random(s.Seed);
            IReadOnlyList<ShareValue> shares = split.Shares;
            for (var epoch = 1; epoch <= 100; epoch++)
            {
                var next = ProtocolSimulation.Refresh(shares, s.Threshold);
                for (var i = 0; i < next.Length; i++)
                {
                    Assert.NotEqual(shares[i].Value, next[i].Value);
                }
                shares = next;
                var subset = shares.OrderBy(_ => rng.Next()).Take(s.Threshold).ToList();
                Assert.Equal(s.Secret, Shamir.Combine(subset, split.Commitment, s.Threshold));
            }
        });
    }

    [Fact]
    public void Refresh_at_full_size_keeps_the_secret_for_t_up_to_n_up_to_32()
    {
        SharingGen.Check(SharingGen.Scenarios(minThreshold: 2), 25, s =>
        {
            var split = Shamir.Split(s.Secret, s.Threshold, s.ShareCount);
            var shares = ProtocolSimulation.Refresh(ProtocolSimulation.Refresh(split.Shares, s.Threshold), s.Threshold);
            var rng = new Random(s.Seed);
            Assert.Equal(s.Secret, Shamir.Combine(shares.OrderBy(_ => rng.Next()).Take(s.Threshold).ToList(), split.Commitment, s.Threshold));
        });
    }

    [Fact]
    public void Shares_from_two_epochs_never_combine()
    {
        SharingGen.Check(SharingGen.Scenarios(minThreshold: 2, maxSecret: 1024), 40, s =>
        {
            var split = Shamir.Split(s.Secret, s.Threshold, s.ShareCount);
            var next = ProtocolSimulation.Refresh(split.Shares, s.Threshold);
            var rng = new Random(s.Seed);
            var picks = Enumerable.Range(0, s.ShareCount).OrderBy(_ => rng.Next()).Take(s.Threshold).ToArray();
            var fromOld = rng.Next(1, s.Threshold); // at least one share from each epoch
            var mixed = picks.Select((p, i) => i < fromOld ? split.Shares[p] : next[p]).ToList();
            var e = Assert.Throws<SharingException>(() => Shamir.Combine(mixed, split.Commitment, s.Threshold));
            Assert.Contains("commitment mismatch", e.Message);
        });
    }

    [Fact]
    public void Refresh_deltas_vanish_at_zero_so_their_sum_adds_nothing_to_the_secret()
    {
        using var batch = DealtBatch.Deal(4, [1, 2, 3, 4, 5, 6], 0, 3);
        var shares = Enumerable.Range(0, 6).Select(j => new ShareValue((byte)(j + 1), batch.ValuesFor(j).ToArray())).ToList();
        var payload = new byte[48];
        Shamir.Interpolate(shares, 4, payload);
        Assert.Equal(new byte[48], payload);
    }
}
