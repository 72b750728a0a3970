using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecretFleet.Core.Client;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>Resharing (n, t) → (n', t') across real node processes talking mTLS to each other.</summary>
[Trait("Category", "Integration")]
public sealed class ResharingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(5, 3, 3, 2, 10_000)]
    [InlineData(5, 3, 7, 4, 10_000)]
    [InlineData(3, 2, 5, 3, 10_000)]
    public async Task Every_secret_comes_back_from_exactly_t_prime_new_nodes_and_nodes_that_leave_keep_no_share(int n, int t, int newN, int newT, int count)
    {
        await using var fleet = await ProcessFleet.StartAsync(n, t);
        var secrets = await StoreManyAsync(fleet.Client(), count);
        var oldView = fleet.View;
        var leaving = Enumerable.Range(newN + 1, Math.Max(0, n - newN)).Select(x => (byte)x).ToArray();
        var oldSealed = Enumerable.Range(1, n).ToDictionary(x => (byte)x, x => NodeDatabase.SealedValues(fleet, (byte)x));
        var oldOpened = Enumerable.Range(1, t).ToDictionary(x => (byte)x, x => NodeDatabase.OpenedShares(fleet, (byte)x));
        var commitments = NodeDatabase.Rows(fleet, 1).ToDictionary(r => $"{Convert.ToHexString(r.Binding.Key)}@{r.Binding.Version}", r => r.Binding.Commitment);
        await fleet.GrowAsync(Math.Max(n, newN));
        var committee = fleet.View.Members.Where(m => m.X <= newN).ToArray();
        using var operations = fleet.Operations();

        var outcome = await fleet.Coordinator(operations).ReshareAsync(oldView, committee, newT, null, default);

        Assert.True(outcome.Committed, outcome.Reason + "\n" + fleet.Diagnostics());
        Assert.Equal(count, outcome.Pairs);
        Assert.Equal(1UL, outcome.Epoch);
        // Exactly t' new nodes give every secret back: the highest t' all of them, the lowest t' a sample
        // (reading every secret twice would double the test's time for little).
        await AssertAllRecoverAsync(fleet.Client(configure: o => o with { Nodes = [.. committee.TakeLast(newT)], Threshold = newT }), secrets);
        await AssertAllRecoverAsync(fleet.Client(configure: o => o with { Nodes = [.. committee.Take(newT)], Threshold = newT }),
            secrets.Take(500).ToDictionary(s => s.Key, s => s.Value));
        foreach (var x in leaving)
        {
            Assert.Empty(NodeDatabase.Rows(fleet, x));
        }
        // On a sample: t' − 1 new shares are not a sharing of the secret, and t − 1 old shares with a
        // new one do not combine to it (the commitment check refuses both).
        var newOpened = Enumerable.Range(1, Math.Max(t, newT)).ToDictionary(x => (byte)x, x => NodeDatabase.OpenedShares(fleet, (byte)x));
        foreach (var pair in commitments.Keys.Take(200))
        {
            var tooFew = Enumerable.Range(1, newT - 1).Select(x => new ShareValue((byte)x, newOpened[(byte)x][pair])).ToArray();
            if (tooFew.Length > 0)
            {
                Assert.Throws<SharingException>(() => Shamir.Combine(tooFew, commitments[pair], newT - 1));
            }
            var mixed = Enumerable.Range(1, t - 1).Select(x => new ShareValue((byte)x, oldOpened[(byte)x][pair])).Append(new ShareValue((byte)t, newOpened[(byte)t][pair])).ToArray();
            Assert.Throws<SharingException>(() => Shamir.Combine(mixed, commitments[pair], t));
        }
        // Audited and counted as a resharing, as refreshes are.
        Assert.Contains(NodeDatabase.Audit(fleet, 1), row => row.Operation == "resharing-commit" && row.Subject == outcome.OperationId);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(fleet[1].Http, "/metrics"));
        Assert.Contains("secretfleet_node_operations_total{kind=\"resharing\",outcome=\"committed\"", metrics);
        // No node keeps an old-committee sealed share anywhere in its files (database, WAL).
        foreach (var (x, sealedValues) in oldSealed)
        {
            foreach (var (file, bytes) in NodeDatabase.Files(fleet, x))
            {
                var leaked = NodeDatabase.CountContained(bytes, sealedValues);
                Assert.True(leaked == 0, $"node x {x}: {file} still holds {leaked} old-committee sealed shares");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // as the operator and `local scale` grow at the same threshold: share recovery of each new node
    public async Task A_delete_sent_to_the_shape_before_the_fleet_grew_is_refused_everywhere_and_a_following_client_deletes_from_every_node(bool byResharing)
    {
        await using var fleet = await ProcessFleet.StartAsync(3, 2);
        var oldShape = fleet.ClientOptions();
        var shape = oldShape;
        var staleOnce = 0;
        // Its first read after the resharing still gives the old shape: read just before the commit.
        using var client = new FollowingClient(_ => Task.FromResult(Interlocked.Exchange(ref staleOnce, 0) == 1 ? oldShape : Volatile.Read(ref shape)), Patience, _ => { });
        await client.StoreAsync("doomed", RandomNumberGenerator.GetBytes(32), null, default);
        var oldView = fleet.View;
        await fleet.GrowAsync(5);
        using var operations = fleet.Operations();
        var coordinator = fleet.Coordinator(operations);
        // Same threshold: only the fleet's size tells the old shape from the new.
        if (byResharing)
        {
            var outcome = await coordinator.ReshareAsync(oldView, [.. fleet.View.Members], 2, null, default);
            Assert.True(outcome.Committed, outcome.Reason + "\n" + fleet.Diagnostics());
        }
        else
        {
            foreach (var x in await coordinator.EnsureMembershipAsync(fleet.View, allowFormation: false, default))
            {
                var outcome = await coordinator.RecoverAsync(fleet.View, x, null, default);
                Assert.True(outcome.Committed, outcome.Reason + "\n" + fleet.Diagnostics());
            }
        }
        Volatile.Write(ref shape, fleet.ClientOptions());

        // Acknowledged, it would leave the two joining nodes' shares, which alone give the secret back.
        using var stale = new FleetClient(oldShape);
        var refused = await Assert.ThrowsAsync<FleetClientException>(() => stale.DeleteAsync("doomed", default));
        Assert.Equal(FleetErrorKind.Resharing, refused.Kind);
        // A store for the old shape would give the joining nodes no share at all.
        var late = await Assert.ThrowsAsync<FleetClientException>(() => stale.StoreAsync("late", RandomNumberGenerator.GetBytes(32), null, default));
        Assert.Equal(FleetErrorKind.Resharing, late.Kind);
        for (byte x = 1; x <= 5; x++)
        {
            // Nothing deleted and nothing stored: each node holds its share of "doomed" alone.
            Assert.Single(NodeDatabase.Rows(fleet, x));
        }

        Volatile.Write(ref staleOnce, 1);
        Assert.Equal(5, await client.DeleteAsync("doomed", default));

        for (byte x = 1; x <= 5; x++)
        {
            Assert.Empty(NodeDatabase.Rows(fleet, x));
        }
    }

    [Fact]
    public async Task A_cheating_dealer_is_named_the_resharing_aborts_and_the_old_committee_serves_as_before_and_takes_writes_again()
    {
        await using var fleet = await ProcessFleet.StartAsync(5, 3, cheater: 2, cheat: "flip-sub-share");
        var secrets = await StoreManyAsync(fleet.Client(), 200);
        using var rpc = fleet.Operations();
        var operations = new HookedOperations(rpc);
        FleetClientException? storeDuring = null;
        var begun = 0;
        operations.AfterBegin = async _ =>
        {
            if (Interlocked.Increment(ref begun) == 5)
            {
                storeDuring = await Assert.ThrowsAsync<FleetClientException>(() => fleet.Client().StoreAsync("during", RandomNumberGenerator.GetBytes(16), null, default));
            }
        };

        var outcome = await fleet.Coordinator(operations).ReshareAsync(fleet.View, [.. fleet.View.Members.Take(3)], 2, null, default);

        // A store while the resharing agrees on its snapshot is refused as a whole, saying why and what to do.
        Assert.Contains("A resharing is changing the fleet's size or threshold", storeDuring!.Message);
        Assert.False(outcome.Committed);
        Assert.Equal([(byte)2], outcome.Culprits);
        Assert.Contains(NodeDatabase.Audit(fleet, 3), row => row.Operation == "resharing-abort" && row.Subject == outcome.OperationId);
        var client = fleet.Client();
        await AssertAllRecoverAsync(client, secrets);
        Assert.All(await client.StatusAsync(default), node => Assert.Equal(0UL, node.Epoch));
        await client.StoreAsync("after-abort", RandomNumberGenerator.GetBytes(16), null, default);
    }

    [Theory]
    [InlineData("two-signed-rows", "signed two different lists of digests")]
    [InlineData("unsigned-digests", "do not carry its signature")]
    public async Task A_dealer_that_lies_in_its_digests_to_other_dealers_is_named_by_real_nodes_and_the_old_committee_stays(string cheat, string reason)
    {
        // Dealer x 1 sends first: naming the dealer whose copy differs from x 1's would name x 2.
        await using var fleet = await ProcessFleet.StartAsync(5, 3, cheater: 1, cheat: cheat);
        var secrets = await StoreManyAsync(fleet.Client(), 50);

        using var rpc = fleet.Operations();

        var outcome = await fleet.Coordinator(rpc).ReshareAsync(fleet.View, [.. fleet.View.Members.Take(3)], 2, null, default);

        Assert.False(outcome.Committed);
        Assert.Equal([(byte)1], outcome.Culprits);
        Assert.Contains(reason, outcome.Reason);
        var client = fleet.Client();
        await AssertAllRecoverAsync(client, secrets);
        Assert.All(await client.StatusAsync(default), node => Assert.Equal(0UL, node.Epoch));
    }

    [Fact]
    public async Task Under_load_through_a_resharing_stores_go_on_while_it_deals_nothing_fails_and_every_acknowledged_write_is_in_the_new_committee()
    {
        await using var fleet = await ProcessFleet.StartAsync(5, 3);
        var seeded = await StoreManyAsync(fleet.Client(), 1_000);
        var shape = fleet.ClientOptions();
        var (recoveredDuring, storedDuring, resharing, dealing) = (0, 0, 0, 0);
        using var client = new FollowingClient(_ => Task.FromResult(Volatile.Read(ref shape)), TimeSpan.FromMinutes(3), _ => { });
        var acknowledged = new ConcurrentDictionary<string, byte[]>(seeded);
        var failures = new ConcurrentQueue<string>();
        var operations = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource();
        async Task WriterAsync(int worker)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // New names, and overwrites of this worker's own earlier ones.
                var name = i % 3 == 2 ? $"load-{worker}-{i - 2}" : $"load-{worker}-{i}";
                var secret = RandomNumberGenerator.GetBytes(1 + (i % 61));
                try
                {
                    var started = Volatile.Read(ref dealing);
                    await client.StoreAsync(name, secret, new StoreOptions(Overwrite: true), default);
                    acknowledged[name] = secret;
                    if (started == 1 && Volatile.Read(ref dealing) == 1)
                    {
                        Interlocked.Increment(ref storedDuring);
                    }
                }
                catch (FleetClientException e)
                {
                    failures.Enqueue($"store {name}: {e.Message}");
                }
                operations.AddOrUpdate(worker, 1, (_, n) => n + 1);
            }
        }
        async Task ReaderAsync(int worker)
        {
            var names = seeded.Keys.ToArray();
            for (var i = worker; !stop.IsCancellationRequested; i += 7)
            {
                var name = names[i % names.Length];
                try
                {
                    Assert.Equal(seeded[name], (await client.RecoverAsync(name, default)).Secret);
                    if (Volatile.Read(ref resharing) == 1)
                    {
                        Interlocked.Increment(ref recoveredDuring);
                    }
                }
                catch (FleetClientException e)
                {
                    failures.Enqueue($"recover {name}: {e.Message}");
                }
                operations.AddOrUpdate(worker, 1, (_, n) => n + 1);
            }
        }
        var load = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriterAsync(w)))
            .Concat(Enumerable.Range(4, 2).Select(w => Task.Run(() => ReaderAsync(w)))).ToArray();
        await Eventually.TrueAsync(() => operations.Count == 6 && operations.Values.All(n => n >= 3), "every worker has done a few operations", Patience);
        using var rpc = fleet.Operations();
        // Once every node took the first round's Verify the resharing holds still until stores
        // made entirely within the dealing were acknowledged and a recover went through: the
        // load overlaps it for certain, and the catch-up round must carry those stores over.
        var verified = 0;
        async Task HoldWhileDealingAsync()
        {
            Volatile.Write(ref dealing, 1);
            await Eventually.TrueAsync(() => Volatile.Read(ref storedDuring) >= 20 && Volatile.Read(ref recoveredDuring) >= 1, "stores and a recover succeed while the resharing deals", Patience);
            Volatile.Write(ref dealing, 0);
        }
        var hooked = new HookedOperations(rpc)
        {
            AfterVerify = _ => Interlocked.Increment(ref verified) == 5 ? HoldWhileDealingAsync() : Task.CompletedTask,
        };
        var committee = fleet.View.Members.Take(3).ToArray();
        Volatile.Write(ref resharing, 1);

        var outcome = await fleet.Coordinator(hooked).ReshareAsync(fleet.View, committee, 2, null, default);

        Assert.True(outcome.Committed, outcome.Reason + "\n" + fleet.Diagnostics());
        Volatile.Write(ref resharing, 0);
        // What `local scale` and the operator do after a commit: publish the new shape.
        Volatile.Write(ref shape, shape with { Nodes = committee, Threshold = 2 });
        var after = operations.ToDictionary(o => o.Key, o => o.Value);
        await Eventually.TrueAsync(() => operations.All(o => o.Value >= after[o.Key] + 5), "every worker has done a few operations on the new shape", Patience);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        // The first round dealt the snapshot (at least the seeded secrets), the catch-up the stores made meanwhile.
        Assert.True(outcome.Pairs >= seeded.Count + 20, $"{outcome.Pairs} pairs reshared");
        await AssertAllRecoverAsync(fleet.Client(configure: o => o with { Nodes = committee, Threshold = 2 }), new Dictionary<string, byte[]>(acknowledged));
    }

    private static async Task<Dictionary<string, byte[]>> StoreManyAsync(FleetClient client, int count)
    {
        var secrets = new ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var secret = RandomNumberGenerator.GetBytes(1 + (i % 97));
            await client.StoreAsync($"s-{i}", secret, null, ct);
            secrets[$"s-{i}"] = secret;
        });
        return new Dictionary<string, byte[]>(secrets);
    }

    private static Task AssertAllRecoverAsync(FleetClient client, Dictionary<string, byte[]> secrets) =>
        Parallel.ForEachAsync(secrets, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, ct) =>
            Assert.Equal(s.Value, (await client.RecoverAsync(s.Key, ct)).Secret));
}
