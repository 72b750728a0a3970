using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>The refresh and recovery protocol end to end over real stores, in one process.</summary>
[Trait("Category", "Unit")]
public sealed class EpochProtocolTests
{
    private static readonly int[] Sizes = [1, 15, 16, 32, 100, 1000, 4096];

    private static async Task<Dictionary<string, byte[]>> StoreManyAsync(InProcessFleet fleet, int count)
    {
        var secrets = new Dictionary<string, byte[]>();
        for (var i = 0; i < count; i++)
        {
            var secret = RandomNumberGenerator.GetBytes(Sizes[i % Sizes.Length]);
            secrets[$"secret-{i:D4}"] = secret;
            await fleet.StoreAsync($"secret-{i:D4}", secret);
        }
        return secrets;
    }

    [Fact]
    public async Task Refresh_keeps_every_secret_changes_every_share_and_advances_the_epoch()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 5, threshold: 3);
        var secrets = await StoreManyAsync(fleet, 120);
        var before = new Dictionary<string, IReadOnlyList<StoredShare>>();
        foreach (var name in secrets.Keys)
        {
            before[name] = await fleet.ReadSharesAsync(name);
        }

        var outcome = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.True(outcome.AllAcknowledged);
        Assert.Equal(1UL, outcome.Epoch);
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 2, 4, 5));
            var after = await fleet.ReadSharesAsync(name);
            Assert.All(after, share => Assert.Equal(1UL, share.Epoch));
            Assert.All(after.Zip(before[name]), pair => Assert.NotEqual(pair.Second.Share, pair.First.Share));
        }
    }

    [Fact]
    public async Task A_fleet_without_secrets_refreshes_and_then_refreshes_what_it_stores()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);

        var empty = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);
        var secret = RandomNumberGenerator.GetBytes(20);
        await fleet.StoreAsync("first", secret);
        var first = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);

        Assert.True(empty.Committed, empty.Reason);
        Assert.True(first.Committed, first.Reason);
        Assert.Equal(2UL, first.Epoch);
        Assert.Equal(secret, await fleet.RecoverAsync("first", 1, 3));
    }

    [Fact]
    public async Task Shares_from_before_and_after_a_refresh_never_combine()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.StoreAsync("s", RandomNumberGenerator.GetBytes(32));
        var old = await fleet.ReadSharesAsync("s");
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        var fresh = await fleet.ReadSharesAsync("s");

        var mixed = new[] { new ShareValue(1, old[0].Share), new ShareValue(2, fresh[1].Share) };
        Assert.Throws<SharingException>(() => Shamir.Combine(mixed, old[0].Commitment, 2));
    }

    [Fact]
    public async Task A_hundred_refreshes_keep_the_secret()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 4, threshold: 2);
        var secret = RandomNumberGenerator.GetBytes(48);
        await fleet.StoreAsync("long-lived", secret);
        for (var i = 0; i < 100; i++)
        {
            Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        }
        Assert.Equal(secret, await fleet.RecoverAsync("long-lived", 3, 4));
        Assert.Equal(100UL, fleet[1].Store.State.Epoch);
    }

    [Fact]
    public async Task Old_epoch_share_bytes_are_gone_from_every_database_file_after_commit()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await StoreManyAsync(fleet, 50);
        var oldSealed = ReadSealedValues(fleet, 3);

        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);

        var files = Directory.GetFiles(fleet[1].Directory).Concat(Directory.GetFiles(fleet[2].Directory)).Concat(Directory.GetFiles(fleet[3].Directory));
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var sealedValue in oldSealed)
            {
                Assert.True(bytes.AsSpan().IndexOf(sealedValue.AsSpan(13, 16)) < 0, $"{Path.GetFileName(file)} still holds an old sealed share");
            }
        }
    }

    // How SQLite would find an owner's secrets by name on this node.
    private static string ListingPlan(InProcessNode node)
    {
        using var connection = node.Store.Database.OpenReader();
        using var plan = connection.CreateCommand();
        plan.CommandText = "EXPLAIN QUERY PLAN SELECT name FROM shares WHERE owner = 'o' AND name > '' ORDER BY name";
        using var rows = plan.ExecuteReader();
        var details = new List<string>();
        while (rows.Read())
        {
            details.Add(rows.GetString(3));
        }
        return string.Join("; ", details);
    }

    private static List<byte[]> ReadSealedValues(InProcessFleet fleet, int nodes)
    {
        var values = new List<byte[]>();
        for (byte x = 1; x <= nodes; x++)
        {
            using var connection = fleet[x].Store.Database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sealed FROM values_0 UNION ALL SELECT sealed FROM values_1";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values.Add((byte[])reader[0]);
            }
        }
        return values;
    }

    [Fact]
    public async Task A_cheating_dealer_makes_the_refresh_abort_names_it_and_keeps_the_old_epoch()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 5, threshold: 3, cheatingDealer: 4);
        var secrets = await StoreManyAsync(fleet, 20);
        var before = await fleet.ReadSharesAsync("secret-0003");

        var outcome = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);

        Assert.False(outcome.Committed);
        Assert.Equal("dealer-misbehaved", outcome.ReasonCode);
        Assert.Equal([(byte)4], outcome.Culprits);
        Assert.Contains("x 4", outcome.Reason);
        var after = await fleet.ReadSharesAsync("secret-0003");
        Assert.All(after, share => Assert.Equal(0UL, share.Epoch));
        Assert.Equal(before.Select(s => s.Share), after.Select(s => s.Share));
        Assert.Equal(secrets["secret-0003"], await fleet.RecoverAsync("secret-0003"));
    }

    [Fact]
    public async Task A_refresh_is_refused_while_a_node_is_unreachable_and_nothing_changes()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.StoreAsync("s", [1, 2, 3]);
        await fleet.StopNodeAsync(2);

        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None));

        Assert.Contains("x 2", refused.Message);
        Assert.Equal(0UL, fleet[1].Store.State.Epoch);
    }

    [Fact]
    public async Task A_node_down_during_commit_commits_when_it_returns_and_a_new_coordinator_finishes_the_decision()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secret = RandomNumberGenerator.GetBytes(40);
        await fleet.StoreAsync("s", secret);
        fleet.BeforeCommit = async x =>
        {
            if (x == 3)
            {
                await fleet.StopNodeAsync(3);
            }
        };

        var outcome = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);
        Assert.True(outcome.Committed);
        Assert.False(outcome.AllAcknowledged);
        Assert.False((await fleet.Log.LoadAsync(CancellationToken.None))!.Completed);

        fleet.BeforeCommit = null;
        await fleet.StartNodeAsync(3);
        Assert.Equal(0UL, fleet[3].Store.State.Epoch);
        var resumed = await fleet.NewCoordinator().ResumeAsync(fleet.View, CancellationToken.None);

        Assert.NotNull(resumed);
        Assert.True(resumed.AllAcknowledged);
        Assert.Equal(1UL, fleet[3].Store.State.Epoch);
        Assert.Equal(secret, await fleet.RecoverAsync("s", 1, 3));
        Assert.Equal(secret, await fleet.RecoverAsync("s", 2, 3));
    }

    [Fact]
    public async Task A_coordinator_that_gives_up_while_a_node_commits_leaves_it_committed_and_a_successor_finishes()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secret = RandomNumberGenerator.GetBytes(40);
        await fleet.StoreAsync("s", secret);
        // A reader on an old snapshot holds node 1's post-commit checkpoint, the last step of its
        // commit; the coordinator gives up exactly there.
        var reader = fleet[1].Store.Database.OpenReader();
        var snapshot = reader.BeginTransaction(deferred: true);
        using (var read = reader.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = "SELECT COUNT(*) FROM shares";
            read.ExecuteScalar();
        }
        using var coordinatorGone = new CancellationTokenSource();
        var giveUp = Task.Run(async () =>
        {
            await Eventually.TrueAsync(() => fleet[1].Store.Database.ErasurePending, "node 1 checkpoints after its commit transaction");
            await coordinatorGone.CancelAsync();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet.Coordinator.RefreshAsync(fleet.View, null, coordinatorGone.Token));
        await giveUp;
        snapshot.Dispose();
        reader.Dispose();
        var resumed = await fleet.NewCoordinator().ResumeAsync(fleet.View, CancellationToken.None);

        Assert.NotNull(resumed);
        Assert.True(resumed.AllAcknowledged);
        Assert.All([fleet[1], fleet[2], fleet[3]], node => Assert.Equal(1UL, node.Store.State.Epoch));
        Assert.Equal(secret, await fleet.RecoverAsync("s", 1, 2));
        Assert.Equal(secret, await fleet.RecoverAsync("s", 1, 3));
        Assert.False(fleet[1].Store.Database.ErasurePending);
    }

    [Fact]
    public async Task A_refresh_committed_once_is_refused_a_second_commit_and_its_shares_stay()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secret = RandomNumberGenerator.GetBytes(40);
        await fleet.StoreAsync("s", secret);
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        var committed = fleet[1].Participant.Current!;

        var again = await Assert.ThrowsAsync<OperationRejectedException>(() =>
            new OperationStore(fleet[1].Store).CommitAsync(committed with { Phase = OperationPhase.Staged }, InProcessFleet.Operator, new StepTimer()));

        Assert.Equal(OperationRejection.FailedPrecondition, again.Reason);
        Assert.Contains("epoch 1", again.Message);
        Assert.Equal(1UL, fleet[1].Store.State.Epoch);
        Assert.Equal(secret, await fleet.RecoverAsync("s", 1, 2));
    }

    [Fact]
    public async Task A_write_to_a_node_restarted_while_staged_is_carried_when_it_commits()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.StoreAsync("before", RandomNumberGenerator.GetBytes(32));
        fleet.BeforeCommit = async x =>
        {
            if (x == 3)
            {
                await fleet.StopNodeAsync(3);
            }
        };
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        fleet.BeforeCommit = null;
        await fleet.StartNodeAsync(3);

        // Node 3 is still staged at epoch 0: what it stores now is in no snapshot, so its commit
        // must carry it, which it knows only if it still tracks writes after the restart.
        var late = RandomNumberGenerator.GetBytes(32);
        await fleet.StoreAsync("late", late);
        Assert.NotNull(await fleet.NewCoordinator().ResumeAsync(fleet.View, CancellationToken.None));

        Assert.Equal(1UL, fleet[3].Store.State.Epoch);
        Assert.Equal(late, await fleet.RecoverAsync("late", 1, 3));
        Assert.Equal(late, await fleet.RecoverAsync("late", 2, 3));
    }

    [Fact]
    public async Task An_undecided_operation_left_by_a_dead_coordinator_is_aborted_on_resume()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.StoreAsync("s", [9, 9, 9]);
        var begin = RefreshBegins.Of(fleet.View, "refresh-orphan");
        for (byte x = 1; x <= 3; x++)
        {
            await fleet[x].Participant.BeginAsync(begin, "test", CancellationToken.None);
        }
        await fleet.Log.SaveAsync(new OperationLogRecord("refresh-orphan", OperationKind.Refresh, 0, 1, [1, 2, 3], 0, OperationDecision.None, "", "", DateTimeOffset.UtcNow, false), CancellationToken.None);

        var resumed = await fleet.NewCoordinator().ResumeAsync(fleet.View, CancellationToken.None);

        Assert.Equal(OperationDecision.Abort, resumed!.Decision);
        Assert.All(Enumerable.Range(1, 3), x => Assert.Equal(OperationPhase.Aborted, fleet[(byte)x].Participant.Current!.Phase));
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
    }

    [Fact]
    public async Task A_secret_only_some_nodes_hold_is_refreshed_on_them_too()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secrets = await StoreManyAsync(fleet, 50);
        // A store that reached nodes 1 and 2 only (node 3 missed it): it is in the agreed snapshot,
        // node 3 deals it without holding it, and the two that hold it refresh it.
        var partial = RandomNumberGenerator.GetBytes(32);
        var split = Shamir.Split(partial, 2, 3);
        foreach (var share in split.Shares.Where(s => s.X != 3))
        {
            var put = await fleet[share.X].Store.PutAsync(new ShareWrite(InProcessFleet.Owner, "partial", 1, share.Value, split.Commitment, 2, false), CancellationToken.None);
            Assert.Equal(PutStatus.Stored, put.Status);
        }

        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);

        Assert.Equal(partial, await fleet.RecoverAsync("partial", 1, 2));
        var after = await fleet.ReadSharesAsync("partial", 1, 2);
        Assert.All(after, share => Assert.Equal(1UL, share.Epoch));
        Assert.NotEqual(split.Shares[0].Value, after[0].Share);
        Assert.NotEqual(split.Shares[1].Value, after[1].Share);
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 2, 3));
        }
    }

    [Fact]
    public async Task A_refresh_drops_the_version_a_newer_refreshed_one_replaced()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.StoreAsync("rotated", RandomNumberGenerator.GetBytes(32));
        var current = RandomNumberGenerator.GetBytes(32);
        await fleet.StoreAsync("rotated", current);
        Assert.NotEmpty((await fleet.ReadSharesAsync("rotated", 1))[0].OlderVersions);

        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);

        Assert.All(await fleet.ReadSharesAsync("rotated"), share => Assert.Empty(share.OlderVersions));
        Assert.Equal(current, await fleet.RecoverAsync("rotated", 1, 3));
    }

    [Fact]
    public async Task Writes_and_deletes_during_a_refresh_are_carried_into_the_new_epoch()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secrets = await StoreManyAsync(fleet, 200);
        var refresh = fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);
        var written = new Dictionary<string, byte[]>();
        for (var i = 0; i < 40; i++)
        {
            var secret = RandomNumberGenerator.GetBytes(24);
            written[$"during-{i}"] = secret;
            await fleet.StoreAsync($"during-{i}", secret);
            await fleet[1].Store.DeleteAsync(InProcessFleet.Owner, $"secret-{i:D4}", 0, CancellationToken.None);
            await fleet[2].Store.DeleteAsync(InProcessFleet.Owner, $"secret-{i:D4}", 0, CancellationToken.None);
            await fleet[3].Store.DeleteAsync(InProcessFleet.Owner, $"secret-{i:D4}", 0, CancellationToken.None);
        }
        Assert.True((await refresh).Committed);

        foreach (var (name, secret) in written)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 1, 3));
        }
        for (var i = 40; i < 200; i++)
        {
            Assert.Equal(secrets[$"secret-{i:D4}"], await fleet.RecoverAsync($"secret-{i:D4}", 2, 3));
        }
        Assert.Equal(ReadStatus.NotFound, (await fleet[1].Store.GetAsync(InProcessFleet.Owner, "secret-0007", 0, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_wiped_node_is_rebuilt_by_share_recovery_and_serves_in_a_recovery()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 5, threshold: 3);
        var secrets = await StoreManyAsync(fleet, 60);
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        await fleet.WipeNodeAsync(2);

        var needing = await fleet.Coordinator.EnsureMembershipAsync(fleet.View, allowFormation: false, CancellationToken.None);
        Assert.Equal([(byte)2], needing);
        var outcome = await fleet.Coordinator.RecoverAsync(fleet.View, 2, null, CancellationToken.None);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(60, outcome.Pairs);
        Assert.Equal(1UL, fleet[2].Store.State.Epoch);
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 2, 4, 5));
        }
        // The commit builds the owner index after copying the rows in: it must be there, and list.
        var listed = await fleet[2].Store.ListAsync(InProcessFleet.Owner, 100, "", CancellationToken.None);
        Assert.Equal(secrets.Keys.Order(StringComparer.Ordinal), listed.Select(l => l.Name));
        Assert.Contains(StoreSchema.SharesByOwnerIndexName, ListingPlan(fleet[2]), StringComparison.Ordinal);
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        Assert.Equal(secrets["secret-0010"], await fleet.RecoverAsync("secret-0010", 1, 2, 3));
    }

    [Fact]
    public async Task Growing_from_three_to_five_nodes_gives_the_new_nodes_valid_shares()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        var secrets = await StoreManyAsync(fleet, 30);
        await fleet.GrowAsync(5);

        foreach (var x in await fleet.Coordinator.EnsureMembershipAsync(fleet.View, allowFormation: false, CancellationToken.None))
        {
            Assert.True((await fleet.Coordinator.RecoverAsync(fleet.View, x, null, CancellationToken.None)).Committed);
        }

        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 4, 5));
        }
        Assert.True((await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None)).Committed);
        Assert.Equal(secrets["secret-0001"], await fleet.RecoverAsync("secret-0001", 1, 5));
    }
}
