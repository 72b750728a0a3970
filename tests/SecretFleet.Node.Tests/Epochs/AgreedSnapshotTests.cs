using System.Security.Cryptography;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>
/// Every dealer deals the whole agreed snapshot (the union of the dealers' snapshots): a dealer
/// that leaves a pair out is named and nothing changes, while honest disagreement (a write that
/// straddled Begin, a store that reached some nodes, one version stored with other lengths)
/// neither aborts the refresh nor leaves a share behind.
/// </summary>
[Trait("Category", "Unit")]
public sealed class AgreedSnapshotTests
{
    [Theory]
    [InlineData("skip")] // to keep that secret's shares constant across refreshes
    [InlineData("add")] // a pair no node holds, in place of nothing: the batch no longer matches the receivers' cut
    public async Task A_dealer_that_skips_or_adds_a_pair_is_named_and_every_share_stays_at_the_old_epoch(string cheat)
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2, cheatingDealer: 2, cheat: cheat == "skip" ? new SkippedPair(index: 5) : new AddedPair());
        var secrets = new Dictionary<string, byte[]>();
        for (var i = 0; i < 40; i++)
        {
            secrets[$"s-{i}"] = RandomNumberGenerator.GetBytes(32);
            await fleet.StoreAsync($"s-{i}", secrets[$"s-{i}"]);
        }
        var before = await SharesAsync(fleet, secrets.Keys);

        var outcome = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);

        Assert.False(outcome.Committed);
        Assert.Equal([(byte)2], outcome.Culprits);
        Assert.Contains("x 2", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(before, await SharesAsync(fleet, secrets.Keys));
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 1, 3));
        }
    }

    [Fact]
    public async Task A_write_that_reached_one_node_after_its_Begin_is_refreshed_there_like_everywhere_else()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secret = RandomNumberGenerator.GetBytes(32);
        var split = Shamir.Split(secret, 2, 3);
        foreach (var share in split.Shares.Where(s => s.X != 3))
        {
            await PutAsync(fleet, share, split, "straddling");
        }
        // The store's third Put lands on node 3 only after node 3 took its snapshot.
        fleet.AfterBegin = async x =>
        {
            if (x == 3)
            {
                await PutAsync(fleet, split.Shares[2], split, "straddling");
            }
        };

        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);

        var after = await fleet.ReadSharesAsync("straddling");
        Assert.All(after, share => Assert.Equal(1UL, share.Epoch));
        Assert.All(after.Zip(split.Shares), pair => Assert.NotEqual(pair.Second.Value, pair.First.Share));
        Assert.Equal(secret, await fleet.RecoverAsync("straddling", 1, 3));
        Assert.Equal(secret, await fleet.RecoverAsync("straddling", 2, 3));
    }

    [Fact]
    public async Task One_version_stored_with_other_lengths_on_other_nodes_blocks_no_refresh_and_blames_no_node()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.StoreAsync("honest", [1, 2, 3]);
        var secret = RandomNumberGenerator.GetBytes(32);
        var split = Shamir.Split(secret, 2, 3);
        foreach (var share in split.Shares.Where(s => s.X != 3))
        {
            await PutAsync(fleet, share, split, "uneven");
        }
        // A malicious client gives node 3 a share of another length under the same version.
        await PutAsync(fleet, new ShareValue(3, RandomNumberGenerator.GetBytes(split.Shares[2].Value.Length + 16)), split, "uneven");

        var outcome = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Empty(outcome.Culprits);
        Assert.Equal(secret, await fleet.RecoverAsync("uneven", 1, 2));
        Assert.Equal([1, 2, 3], await fleet.RecoverAsync("honest", 2, 3));
    }

    private static async Task PutAsync(InProcessFleet fleet, ShareValue share, SplitResult split, string name)
    {
        var put = await fleet[share.X].Store.PutAsync(new ShareWrite(InProcessFleet.Owner, name, 7, share.Value, split.Commitment, 2, false), CancellationToken.None);
        Assert.Equal(PutStatus.Stored, put.Status);
    }

    private static async Task<List<string>> SharesAsync(InProcessFleet fleet, IEnumerable<string> names)
    {
        var shares = new List<string>();
        foreach (var name in names)
        {
            shares.AddRange((await fleet.ReadSharesAsync(name)).Select(s => $"{name}@{s.Epoch}:{Convert.ToHexString(s.Share)}"));
        }
        return shares;
    }
}
