using Google.Protobuf;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Adversarial;

/// <summary>
/// Share recovery (rebuilding a node from the helpers' masked values) against a helper that lies
/// about its masked values. The node holds more shares than one chunk of the rebuild (1,024), and
/// the lie sits in the last pair, so the check fails after earlier chunks were staged: the abort
/// must clear them.
/// </summary>
[Trait("Category", "Adversarial")]
public sealed class LyingRecoveryHelperTests
{
    private const int Secrets = 2_500;
    private const byte Rebuilt = 2;
    private const byte Liar = 4;

    [Fact]
    public async Task A_node_holding_more_than_one_chunk_of_shares_is_rebuilt_and_every_secret_recovers_with_it()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 5, threshold: 3);
        var secrets = await SeedAndLoseAsync(fleet);

        var outcome = await fleet.Coordinator.RecoverAsync(fleet.View, Rebuilt, null, CancellationToken.None);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(Secrets, outcome.Pairs);
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, Rebuilt, 4, 5));
        }
    }

    // With five helpers for threshold 3 (n = 6) the values tell the liar. With four (n = 5) they
    // show that one lies but not which: naming one anyway would let the liar have an honest helper
    // blamed (the first, before this test), so the rebuild fails naming nobody.
    [Theory]
    [InlineData(6, true)]
    [InlineData(5, false)]
    public async Task A_helper_off_the_polynomial_fails_the_rebuild_which_keeps_nothing_and_is_named_when_the_values_tell_it(int n, bool named)
    {
        await using var fleet = await InProcessFleet.StartAsync(n, threshold: 3);
        var secrets = await SeedAndLoseAsync(fleet);
        fleet.Fetched = LieInTheLastPair;

        var outcome = await fleet.Coordinator.RecoverAsync(fleet.View, Rebuilt, null, CancellationToken.None);

        Assert.False(outcome.Committed);
        Assert.Equal(named ? [Liar] : [], outcome.Culprits);
        Assert.Contains(named ? $"x {Liar}" : "cannot tell which lies, so no node is named", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, NodeDatabase.Scalar(fleet, Rebuilt, NodeDatabase.RowsHoldingShares));
        foreach (var (name, secret) in secrets.Where((_, i) => i % 50 == 0))
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 1, 3, 5));
        }
    }

    // One helper (the lowest x, 1) says what the pairs are and the others send digests. Helpers that
    // describe a pair differently used to be judged against the first, so a lying x 1 got x 3, an
    // honest helper, named; now the description three helpers (t) agree on stands.
    [Theory]
    [InlineData(1)] // the describing helper: says the last pair belongs to another client
    [InlineData(4)] // a helper that sends digests: sends another one for the last pair
    public async Task A_helper_that_misdescribes_a_pair_is_named_and_no_honest_helper_is(byte liar)
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 5, threshold: 3);
        var secrets = await SeedAndLoseAsync(fleet);
        fleet.Fetched = (helper, served) => helper != liar || !served.Last ? served : Misdescribed(served);

        var outcome = await fleet.Coordinator.RecoverAsync(fleet.View, Rebuilt, null, CancellationToken.None);

        Assert.False(outcome.Committed);
        Assert.Equal([liar], outcome.Culprits);
        Assert.Contains($"x {liar}", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, NodeDatabase.Scalar(fleet, Rebuilt, NodeDatabase.RowsHoldingShares));
        foreach (var (name, secret) in secrets.Where((_, i) => i % 50 == 0))
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 1, 3, 5));
        }
    }

    private static FetchRecoveredResponse Misdescribed(FetchRecoveredResponse served)
    {
        var lie = served.Clone();
        if (lie.Pairs.Count > 0)
        {
            lie.Pairs[^1].Owner = "spiffe://test.local/client/mallory";
            return lie;
        }
        var digests = lie.DescriptionDigests.ToByteArray();
        digests[^1] ^= 1;
        lie.DescriptionDigests = ByteString.CopyFrom(digests);
        return lie;
    }

    private static async Task<Dictionary<string, byte[]>> SeedAndLoseAsync(InProcessFleet fleet)
    {
        var secrets = await fleet.SeedAsync(Secrets);
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        await fleet.WipeNodeAsync(Rebuilt);
        Assert.Equal([Rebuilt], await fleet.Coordinator.EnsureMembershipAsync(fleet.View, allowFormation: false, CancellationToken.None));
        return secrets;
    }

    // One bit of the last masked value the liar sends: the last pair of all, in the last chunk.
    private static FetchRecoveredResponse LieInTheLastPair(byte helper, FetchRecoveredResponse served)
    {
        if (helper != Liar || !served.Last)
        {
            return served;
        }
        var values = served.Values.ToByteArray();
        values[^1] ^= 1;
        var lie = served.Clone();
        lie.Values = ByteString.CopyFrom(values);
        return lie;
    }
}
