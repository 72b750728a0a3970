using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class ShareRecoveryTests
{
    [Fact]
    public void Share_recovery_rebuilds_the_exact_missing_share_without_helpers_revealing_theirs()
    {
        SharingGen.Check(SharingGen.Scenarios(minThreshold: 2, maxSecret: 1024), 25, s =>
        {
            var rng = new Random(s.Seed);
            var split = Shamir.Split(s.Secret, s.Threshold, Math.Max(s.ShareCount, s.Threshold + 1));
            var lost = split.Shares[rng.Next(split.Shares.Count)];
            var helpers = split.Shares.Where(x => x.X != lost.X).OrderBy(_ => rng.Next()).Take(rng.Next(s.Threshold, split.Shares.Count)).ToList();
            var masked = ProtocolSimulation.MaskedHelperValues(helpers, lost.X, s.Threshold);
            for (var l = 0; l < helpers.Count; l++)
            {
                Assert.NotEqual(helpers[l].Value, masked[l]);
            }
            var rebuilt = new byte[lost.Value.Length];
            ShareRecovery.Interpolate(helpers.Select(h => h.X).ToArray(), masked.Select(m => (ReadOnlyMemory<byte>)m).ToList(), lost.X, rebuilt);
            Assert.Equal(lost.Value, rebuilt);
        });
    }

    [Fact]
    public void Inconsistent_helpers_are_named()
    {
        var split = Shamir.Split(new byte[300], 3, 9);
        var target = split.Shares[8];
        var helpers = split.Shares.Take(8).ToList();
        var masked = ProtocolSimulation.MaskedHelperValues(helpers, target.X, 3);
        masked[2][200] ^= 1;
        masked[6][0] ^= 0x80;
        var xs = helpers.Select(h => h.X).ToArray();
        var check = ShareRecovery.FindInconsistentHelpers(xs, masked.Select(m => (ReadOnlyMemory<byte>)m).ToList(), 3);
        Assert.True(check.Decodable);
        Assert.Equal(new byte[] { 3, 7 }, check.InconsistentXs);

        var good = Enumerable.Range(0, 8).Where(l => !check.InconsistentXs.Contains(xs[l])).ToList();
        var rebuilt = new byte[target.Value.Length];
        ShareRecovery.Interpolate(good.Select(l => xs[l]).ToArray(), good.Select(l => (ReadOnlyMemory<byte>)masked[l]).ToList(), target.X, rebuilt);
        Assert.Equal(target.Value, rebuilt);
    }

    [Fact]
    public void Too_many_inconsistent_helpers_are_reported_as_undecodable()
    {
        var split = Shamir.Split(new byte[40], 3, 6);
        var values = split.Shares.Take(5).Select(s => (byte[])s.Value.Clone()).ToList();
        values[0][0] ^= 1;
        values[1][1] ^= 1;
        var check = ShareRecovery.FindInconsistentHelpers([1, 2, 3, 4, 5], values.Select(v => (ReadOnlyMemory<byte>)v).ToList(), 3);
        Assert.False(check.Decodable);
        Assert.Empty(check.InconsistentXs);
    }
}
