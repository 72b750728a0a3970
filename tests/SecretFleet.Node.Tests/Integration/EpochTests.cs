using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>Refresh and share recovery across real node processes talking mTLS to each other.</summary>
[Trait("Category", "Integration")]
public sealed class EpochTests
{
    private static async Task<Dictionary<string, byte[]>> StoreManyAsync(FleetClient client, int count, string prefix = "s")
    {
        var secrets = new ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            await client.StoreAsync($"{prefix}-{i}", secret, null, ct);
            secrets[$"{prefix}-{i}"] = secret;
        });
        return new Dictionary<string, byte[]>(secrets);
    }

    private static async Task AssertAllRecoverAsync(FleetClient client, Dictionary<string, byte[]> secrets)
    {
        await Parallel.ForEachAsync(secrets, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, ct) =>
            Assert.Equal(s.Value, (await client.RecoverAsync(s.Key, ct)).Secret));
    }

    [Fact]
    public async Task Refreshing_ten_thousand_secrets_keeps_them_changes_every_share_and_erases_the_old_bytes()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 10_000);
        var before = Enumerable.Range(1, 5).ToDictionary(x => (byte)x, x => NodeDatabase.OpenedShares(fleet, (byte)x));
        var oldSealed = Enumerable.Range(1, 5).SelectMany(x => NodeDatabase.SealedValues(fleet, (byte)x)).ToArray();
        using var operations = fleet.Operations();

        var outcome = await fleet.Coordinator(operations).RefreshAsync(fleet.View, null, default);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(10_000, outcome.Pairs);
        await AssertAllRecoverAsync(client, secrets);
        for (byte x = 1; x <= 5; x++)
        {
            var after = NodeDatabase.OpenedShares(fleet, x);
            Assert.Equal(10_000, after.Count);
            Assert.All(after, share => Assert.NotEqual(before[x][share.Key], share.Value));
        }
        for (byte x = 1; x <= 5; x++)
        {
            foreach (var (file, bytes) in NodeDatabase.Files(fleet, x))
            {
                var leaked = NodeDatabase.CountContained(bytes, oldSealed);
                Assert.True(leaked == 0, $"node x {x}: {file} still holds {leaked} old-epoch sealed shares");
            }
        }
        Assert.All(await client.StatusAsync(default), node => Assert.Equal(1UL, node.Epoch));
    }

    [Fact]
    public async Task A_node_killed_while_dealing_aborts_the_refresh_and_the_old_epoch_is_intact()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 3000);
        using var rpc = fleet.Operations();
        var operations = new HookedOperations(rpc)
        {
            AfterVerify = x =>
            {
                if (x == 3)
                {
                    fleet[3].Kill();
                }
                return Task.CompletedTask;
            },
        };
        var coordinator = fleet.Coordinator(operations, new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(50), NodeSilenceLimit = TimeSpan.FromSeconds(3), FinishTimeout = TimeSpan.FromSeconds(2) });

        var outcome = await coordinator.RefreshAsync(fleet.View, null, default);
        Assert.False(outcome.Committed);
        Assert.False(outcome.AllAcknowledged);

        await fleet.StopNodeAsync(3);
        await fleet.StartNodeAsync(3);
        var resumed = await coordinator.ResumeAsync(fleet.View, default);
        Assert.True(resumed!.AllAcknowledged);
        Assert.All(await client.StatusAsync(default), node => Assert.Equal(0UL, node.Epoch));
        await AssertAllRecoverAsync(client, secrets);
        operations.AfterVerify = null;
        Assert.True((await coordinator.RefreshAsync(fleet.View, null, default)).Committed);
    }

    [Fact]
    public async Task A_coordinator_dying_after_its_commit_decision_is_finished_by_a_new_one_even_with_a_node_down()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 500);
        using var rpc = fleet.Operations();
        using var death = new CancellationTokenSource();
        var operations = new HookedOperations(rpc)
        {
            BeforeCommit = async x =>
            {
                if (x == 2)
                {
                    fleet[3].Kill();
                    await death.CancelAsync();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet.Coordinator(operations).RefreshAsync(fleet.View, null, death.Token));
        Assert.Equal(OperationDecision.Commit, (await new FileOperationLog(fleet.Directory.Combine("operation.json")).LoadAsync(default))!.Decision);

        var successor = fleet.Coordinator(rpc);
        var partly = await successor.ResumeAsync(fleet.View, default);
        Assert.False(partly!.AllAcknowledged);
        await fleet.StopNodeAsync(3);
        await fleet.StartNodeAsync(3);
        var finished = await successor.ResumeAsync(fleet.View, default);

        Assert.True(finished!.AllAcknowledged, fleet.Diagnostics());
        Assert.All(await client.StatusAsync(default), node => Assert.Equal(1UL, node.Epoch));
        var viaNode3 = fleet.Client(configure: o => o with { Nodes = [.. o.Nodes.Where(n => n.X != 1)] });
        await AssertAllRecoverAsync(viaNode3, secrets);
    }

    [Fact]
    public async Task Stores_and_recovers_keep_working_through_a_refresh_of_ten_thousand_secrets()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 10_000);
        using var operations = fleet.Operations();
        var refresh = fleet.Coordinator(operations).RefreshAsync(fleet.View, null, default);

        var written = new ConcurrentDictionary<string, byte[]>();
        var failures = new ConcurrentBag<string>();
        var operationsDone = 0;
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var names = secrets.Keys.ToArray();
            for (var i = 0; !refresh.IsCompleted || i < 20; i++)
            {
                try
                {
                    if (i % 2 == 0)
                    {
                        var name = $"live-{worker}-{i}";
                        var secret = RandomNumberGenerator.GetBytes(32);
                        await client.StoreAsync(name, secret, null, default);
                        written[name] = secret;
                    }
                    else
                    {
                        var name = names[Random.Shared.Next(names.Length)];
                        Assert.Equal(secrets[name], (await client.RecoverAsync(name, default)).Secret);
                    }
                    Interlocked.Increment(ref operationsDone);
                }
                catch (Exception e)
                {
                    failures.Add(e.Message);
                }
            }
        })).ToArray();

        var outcome = await refresh;
        await Task.WhenAll(workers);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Empty(failures);
        Assert.True(operationsDone > 0);
        await AssertAllRecoverAsync(client, secrets);
        await AssertAllRecoverAsync(client, new Dictionary<string, byte[]>(written));
    }

    [Fact]
    public async Task A_store_that_straddles_a_refresh_commit_is_rolled_back_and_made_again_at_one_epoch()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client();
        await StoreManyAsync(client, 20);
        using var rpc = fleet.Operations();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Node x 1 commits; nodes x 2 and x 3 stay staged at epoch 0 until the client has seen both epochs.
        var hooked = new HookedOperations(rpc) { BeforeCommit = x => x == 1 ? Task.CompletedTask : release.Task };
        var refresh = fleet.Coordinator(hooked).RefreshAsync(fleet.View, null, default);
        await Eventually.TrueAsync(async () => (await client.StatusAsync(default)).Any(n => n.X == 1 && n.Epoch == 1), "node x 1 committed the refresh", TimeSpan.FromMinutes(1));

        var secret = RandomNumberGenerator.GetBytes(40);
        var store = client.StoreAsync("straddling", secret, null, default);
        await Eventually.TrueAsync(() => NodeDatabase.Audit(fleet, 1).Any(r => r.Operation == "delete" && r.Subject.StartsWith("straddling@", StringComparison.Ordinal)),
            "the client rolled back the store that got answers from epochs 0 and 1", TimeSpan.FromMinutes(1));
        release.SetResult();
        var stored = await store;

        Assert.True((await refresh).Committed);
        Assert.Equal(1UL, stored.Epoch);
        foreach (var pair in new[] { new byte[] { 1, 2 }, [1, 3], [2, 3] })
        {
            var subset = fleet.Client(configure: o => o with { Nodes = [.. o.Nodes.Where(n => pair.Contains(n.X))] });
            var recovered = await subset.RecoverAsync("straddling", default);
            Assert.Equal(secret, recovered.Secret);
            Assert.Equal(1UL, recovered.Epoch);
        }
    }

    [Fact]
    public async Task A_wiped_node_is_rebuilt_and_recovers_secrets_as_one_of_the_t()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 400);
        using var operations = fleet.Operations();
        var coordinator = fleet.Coordinator(operations);
        Assert.True((await coordinator.RefreshAsync(fleet.View, null, default)).Committed);

        await fleet.StopNodeAsync(2);
        Directory.Delete(fleet.DataDirectory(2), recursive: true);
        await fleet.StartNodeAsync(2);
        var needing = await coordinator.EnsureMembershipAsync(fleet.View, allowFormation: false, default);
        var outcome = await coordinator.RecoverAsync(fleet.View, 2, null, default);

        Assert.Equal([(byte)2], needing);
        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(400, outcome.Pairs);
        var withNode2 = fleet.Client(configure: o => o with { Nodes = [.. o.Nodes.Where(n => n.X is 2 or 4 or 5)] });
        await AssertAllRecoverAsync(withNode2, secrets);
    }

    [Fact]
    public async Task Growing_from_three_to_five_nodes_gives_the_new_nodes_valid_shares()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var secrets = await StoreManyAsync(fleet.Client(), 300);
        await fleet.GrowAsync(5);
        using var operations = fleet.Operations();
        var coordinator = fleet.Coordinator(operations);

        var needing = await coordinator.EnsureMembershipAsync(fleet.View, allowFormation: false, default);
        foreach (var x in needing)
        {
            Assert.True((await coordinator.RecoverAsync(fleet.View, x, null, default)).Committed);
        }

        Assert.Equal([(byte)4, (byte)5], needing);
        var newNodes = fleet.Client(configure: o => o with { Nodes = [.. o.Nodes.Where(n => n.X >= 4)] });
        await AssertAllRecoverAsync(newNodes, secrets);
        Assert.True((await coordinator.RefreshAsync(fleet.View, null, default)).Committed);
        await AssertAllRecoverAsync(fleet.Client(), secrets);
    }
}
