using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>Resharing (n, t) → (n', t') end to end over real stores, in one process.</summary>
[Trait("Category", "Unit")]
public sealed class ResharingProtocolTests
{
    private static readonly int[] Sizes = [1, 16, 33, 100, 700];

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

    private static async Task AssertRecoverableAsync(InProcessFleet fleet, Dictionary<string, byte[]> secrets, params byte[][] subsets)
    {
        foreach (var (name, secret) in secrets)
        {
            foreach (var subset in subsets)
            {
                Assert.Equal(secret, await fleet.RecoverAsync(name, subset));
            }
        }
    }

    [Theory]
    [InlineData(5, 3, 3, 2)]
    [InlineData(5, 3, 7, 4)]
    [InlineData(3, 2, 5, 3)]
    [InlineData(3, 2, 3, 1)]
    public async Task Every_secret_recovers_from_any_t_prime_of_the_new_committee(int n, int t, int newN, int newT)
    {
        await using var fleet = await InProcessFleet.StartAsync(n, t);
        var secrets = await StoreManyAsync(fleet, 150);

        var outcome = await fleet.ReshareAsync(newN, newT);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.True(outcome.AllAcknowledged);
        Assert.Equal(1UL, outcome.Epoch);
        var lowest = Enumerable.Range(1, newT).Select(x => (byte)x).ToArray();
        var highest = Enumerable.Range(newN - newT + 1, newT).Select(x => (byte)x).ToArray();
        await AssertRecoverableAsync(fleet, secrets, lowest, highest);
        foreach (var name in secrets.Keys.Take(10))
        {
            var shares = await fleet.ReadSharesAsync(name);
            Assert.Equal(newN, shares.Count);
            Assert.All(shares, s => Assert.Equal(newT, s.Threshold));
            Assert.All(shares, s => Assert.Equal(1UL, s.Epoch));
        }
    }

    [Fact]
    public async Task A_dealer_lets_go_of_each_batch_once_every_receiver_is_past_it()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        await StoreManyAsync(fleet, 150);
        var first = new ConcurrentBag<WeakReference>();
        var last = new ConcurrentBag<DealResponse>();
        fleet.Dealt = (_, served) =>
        {
            if (served.Batch == 0 && !served.Last)
            {
                first.Add(new WeakReference(served));
            }
            if (served.Last)
            {
                last.Add(served);
            }
        };
        var firstStillHeld = -1;
        var lastStillHeld = -1;
        // Once every receiver staged the first round, before the catch-up's Begin ends its dealer sessions.
        fleet.BeforeBegin = _ =>
        {
            if (firstStillHeld < 0 && !last.IsEmpty)
            {
                var lastHeld = last.Select(r => new WeakReference(r)).ToArray();
                last.Clear();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                firstStillHeld = first.Count(w => w.IsAlive);
                // The control: the last batch, which a receiver may still ask for again, is still there.
                lastStillHeld = lastHeld.Count(w => w.IsAlive);
            }
            return Task.CompletedTask;
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(5 * 3, first.Count);
        Assert.Equal(0, firstStillHeld);
        Assert.Equal(5 * 3, lastStillHeld);
    }

    [Fact]
    public async Task Fewer_than_t_prime_new_shares_do_not_determine_the_secret_and_old_shares_do_not_mix_with_new()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secret = RandomNumberGenerator.GetBytes(32);
        await fleet.StoreAsync("s", secret);
        var old = await fleet.ReadSharesAsync("s");

        Assert.True((await fleet.ReshareAsync(4, 3)).Committed);
        var fresh = await fleet.ReadSharesAsync("s");

        // Two old shares and one new one, or two new ones read as a threshold-2 sharing: never the secret.
        var mixed = new[] { new ShareValue(1, old[0].Share), new ShareValue(2, old[1].Share), new ShareValue(3, fresh[2].Share) };
        Assert.Throws<SharingException>(() => Shamir.Combine(mixed, old[0].Commitment, 3));
        var tooFew = new[] { new ShareValue(1, fresh[0].Share), new ShareValue(2, fresh[1].Share) };
        Assert.Throws<SharingException>(() => Shamir.Combine(tooFew, fresh[0].Commitment, 2));
        Assert.Equal(secret, Shamir.Combine([.. fresh.Take(3).Select((s, i) => new ShareValue((byte)(i + 1), s.Share))], fresh[0].Commitment, 3));
    }

    [Fact]
    public async Task Nodes_that_leave_hold_nothing_and_are_no_longer_members()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        await StoreManyAsync(fleet, 40);
        var leaving = new[] { fleet[4], fleet[5] };

        Assert.True((await fleet.ReshareAsync(3, 2)).Committed);

        foreach (var node in leaving)
        {
            Assert.False(node.Store.State.IsMember);
            Assert.Empty(await node.Store.ListAsync(InProcessFleet.Owner, 1000, "", CancellationToken.None));
            Assert.Equal((0, 0), await node.Store.CountAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_fleet_below_two_t_minus_one_cannot_reshare_and_says_how_to_proceed()
    {
        await using var fleet = await InProcessFleet.StartAsync(4, 3);

        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => fleet.ReshareAsync(3, 2));

        Assert.Contains("2t − 1 = 5", refused.Message);
        Assert.Contains("Grow it first", refused.Message);
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(3, 0)]
    public async Task An_impossible_new_shape_is_refused(int newN, int newT)
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2);

        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => fleet.ReshareAsync(newN, newT));

        Assert.Contains($"threshold of {newT} is impossible with {newN} nodes", refused.Message);
    }

    [Fact]
    public async Task A_dealer_whose_dealing_is_inconsistent_is_named_and_the_old_committee_stays()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3, cheatingDealer: 2, cheat: new FlippedSubShare(2));
        var secrets = await StoreManyAsync(fleet, 30);

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.False(outcome.Committed);
        Assert.Equal([(byte)2], outcome.Culprits);
        Assert.Equal("dealer-misbehaved", outcome.ReasonCode);
        await AssertOldCommitteeIntactAsync(fleet, secrets);
    }

    [Fact]
    public async Task A_resharing_that_aborts_leaves_the_nodes_that_were_to_join_holding_no_value()
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2, cheatingDealer: 2, cheat: new FlippedSubShare(2));
        var secrets = await StoreManyAsync(fleet, 30);
        var staged = 0L;

        var outcome = await fleet.ReshareAsync(5, 3);

        Assert.False(outcome.Committed);
        // What they staged before the dealer was caught goes with the abort.
        foreach (var x in new byte[] { 4, 5 })
        {
            staged += NodeDatabase.Scalar(fleet, x, NodeDatabase.RowsHoldingShares);
            Assert.Equal(1, NodeDatabase.Scalar(fleet, x, OwnerIndexExists));
        }
        Assert.Equal(0, staged);
        await AssertRecoverableAsync(fleet, secrets, [1, 3]);
    }

    [Fact]
    public async Task A_joining_node_takes_no_write_during_the_resharing_and_holds_exactly_the_reshared_secrets_after_it()
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2);
        var secrets = await StoreManyAsync(fleet, 40);
        DeleteStatus? deleteAfterBegin = null;
        PutStatus? storeWhileDealing = null;
        fleet.AfterBegin = async x =>
        {
            if (x == 4 && fleet[4].Participant.Current is { CatchUp: false })
            {
                deleteAfterBegin = (await fleet[4].Store.DeleteAsync(InProcessFleet.Owner, "secret-0001", 0, CancellationToken.None)).Status;
            }
        };
        fleet.AfterVerify = async x =>
        {
            if (x == 4 && fleet[4].Participant.Current is { CatchUp: false })
            {
                // A client that counts node 4 in before the commit: the old committee takes stores
                // now, but node 4 would only have dropped this one at commit.
                var split = Shamir.Split(RandomNumberGenerator.GetBytes(8), 2, 3);
                storeWhileDealing = (await fleet[4].Store.PutAsync(new ShareWrite(InProcessFleet.Owner, "early", 1, split.Shares[0].Value, split.Commitment, 2, false), CancellationToken.None)).Status;
            }
        };

        var outcome = await fleet.ReshareAsync(5, 3);

        fleet.AfterBegin = null;
        fleet.AfterVerify = null;
        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(DeleteStatus.Frozen, deleteAfterBegin);
        Assert.Equal(PutStatus.Frozen, storeWhileDealing);
        await AssertRecoverableAsync(fleet, secrets, [3, 4, 5]);
        foreach (var x in new byte[] { 4, 5 })
        {
            Assert.Equal((secrets.Count, secrets.Count), await fleet[x].Store.CountAsync(CancellationToken.None));
            Assert.Equal(1, NodeDatabase.Scalar(fleet, x, OwnerIndexExists));
            var listed = await fleet[x].Store.ListAsync(InProcessFleet.Owner, 1000, "", CancellationToken.None);
            Assert.Equal(secrets.Keys.Order(StringComparer.Ordinal), listed.Select(l => l.Name));
            Assert.All(listed, l => Assert.Equal(3, l.Threshold));
        }
    }

    private const string OwnerIndexExists = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = '{StoreSchema.SharesByOwnerIndexName}'";

    [Fact]
    public async Task A_dealer_that_reshares_something_other_than_its_share_is_named_by_the_public_check()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3, cheatingDealer: 4, cheat: new WrongConstant());
        var secrets = await StoreManyAsync(fleet, 30);

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.False(outcome.Committed);
        Assert.Equal([(byte)4], outcome.Culprits);
        Assert.Contains("off the polynomial", outcome.Reason);
        await AssertOldCommitteeIntactAsync(fleet, secrets);
    }

    [Fact]
    public async Task A_dealer_that_tells_joining_nodes_other_descriptions_than_every_dealer_published_is_named()
    {
        // Dealer x 1 has the lowest x, so it alone describes the pairs to the joining nodes 4 and 5.
        await using var fleet = await InProcessFleet.StartAsync(3, 2, cheatingDealer: 1, cheat: new WrongDescription());
        var secrets = await StoreManyAsync(fleet, 30);

        var outcome = await fleet.ReshareAsync(5, 3);

        Assert.False(outcome.Committed);
        Assert.Equal([(byte)1], outcome.Culprits);
        Assert.Contains("does not match the digest every dealer published", outcome.Reason);
        await AssertRecoverableAsync(fleet, secrets, [1, 3]);
    }

    [Fact]
    public async Task Writes_are_refused_during_a_resharing_and_accepted_after_it()
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2);
        await StoreManyAsync(fleet, 5);
        PutStatus? during = null;
        fleet.AfterBegin = async x =>
        {
            if (x == 1)
            {
                var split = Shamir.Split(RandomNumberGenerator.GetBytes(8), 2, 3);
                during = (await fleet[1].Store.PutAsync(new ShareWrite(InProcessFleet.Owner, "late", 1, split.Shares[0].Value, split.Commitment, 2, false), CancellationToken.None)).Status;
            }
        };

        Assert.True((await fleet.ReshareAsync(5, 3)).Committed);
        fleet.AfterBegin = null;

        Assert.Equal(PutStatus.Frozen, during);
        var secret = RandomNumberGenerator.GetBytes(24);
        await fleet.StoreAsync("after", secret);
        Assert.Equal(secret, await fleet.RecoverAsync("after", 2, 4, 5));
    }

    [Fact]
    public async Task A_store_that_straddles_the_start_is_rolled_back_by_its_client_and_the_resharing_commits_without_it()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 20);
        var split = Shamir.Split(RandomNumberGenerator.GetBytes(16), 3, 5);
        ShareWrite Share(byte x) => new(InProcessFleet.Owner, "straddled", 99, split.Shares[x - 1].Value.ToArray(), split.Commitment, 3, false);
        var (begun, late, rollback) = (0, (PutStatus?)null, (DeleteStatus?)null);
        fleet.BeforeBegin = async x =>
        {
            if (x == 1 && begun == 0)
            {
                // The store reaches node 1 before its snapshot...
                Assert.Equal(PutStatus.Stored, (await fleet[1].Store.PutAsync(Share(1), CancellationToken.None)).Status);
            }
        };
        fleet.AfterBegin = async x =>
        {
            if (Interlocked.Increment(ref begun) == 5)
            {
                // ...and node 2 after its own, which refuses it; the client then rolls node 1 back.
                late = (await fleet[2].Store.PutAsync(Share(2), CancellationToken.None)).Status;
                rollback = (await fleet[1].Store.DeleteAsync(InProcessFleet.Owner, "straddled", 99, CancellationToken.None)).Status;
            }
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.Equal(PutStatus.Frozen, late);
        Assert.Equal(DeleteStatus.Deleted, rollback);
        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(secrets.Count, outcome.Pairs);
        fleet.BeforeBegin = fleet.AfterBegin = null;
        await AssertNewCommitteeHoldsAllButAsync(fleet, secrets, "straddled");
    }

    [Fact]
    public async Task A_store_made_while_the_resharing_deals_is_carried_over_to_the_new_committee()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 20);
        var verified = 0;
        var (refusedDelete, rolledBack) = ((DeleteStatus?)null, (DeleteStatus?)null);
        fleet.AfterVerify = async x =>
        {
            if (fleet[x].Participant.Current is { CatchUp: false } && Interlocked.Increment(ref verified) == 5)
            {
                // Every node took Verify: the first round deals while these land on the old committee.
                secrets["during"] = RandomNumberGenerator.GetBytes(40);
                await fleet.StoreAsync("during", secrets["during"]);
                // Overwritten twice: the snapshot's version must stay readable for the dealing.
                await fleet.StoreAsync("secret-0003", RandomNumberGenerator.GetBytes(7));
                secrets["secret-0003"] = RandomNumberGenerator.GetBytes(9);
                await fleet.StoreAsync("secret-0003", secrets["secret-0003"]);
                // A snapshot pair is being dealt, so deleting it waits; a pair stored meanwhile may go.
                refusedDelete = (await fleet[1].Store.DeleteAsync(InProcessFleet.Owner, "secret-0004", 0, CancellationToken.None)).Status;
                await fleet.StoreAsync("gone", [1, 2, 3]);
                rolledBack = DeleteStatus.Deleted;
                foreach (var node in new byte[] { 1, 2, 3, 4, 5 })
                {
                    var deleted = (await fleet[node].Store.DeleteAsync(InProcessFleet.Owner, "gone", 0, CancellationToken.None)).Status;
                    rolledBack = deleted == DeleteStatus.Deleted ? rolledBack : deleted;
                }
            }
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        fleet.AfterVerify = null;
        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(DeleteStatus.Frozen, refusedDelete);
        Assert.Equal(DeleteStatus.Deleted, rolledBack);
        await AssertRecoverableAsync(fleet, secrets, [1, 3], [2, 3]);
        foreach (var x in new byte[] { 1, 2, 3 })
        {
            Assert.Equal(ReadStatus.NotFound, (await fleet[x].Store.GetAsync(InProcessFleet.Owner, "gone", 0, CancellationToken.None)).Status);
            // The versions the overwrites replaced were dealt too, and went at commit.
            var overwritten = await fleet[x].Store.GetAsync(InProcessFleet.Owner, "secret-0003", 0, CancellationToken.None);
            Assert.Empty(overwritten.Share!.OlderVersions);
            Assert.Equal(2, overwritten.Share.Threshold);
            Assert.Equal(1UL, overwritten.Share.Epoch);
        }
        var (stored, rows) = await fleet[2].Store.CountAsync(CancellationToken.None);
        Assert.Equal((secrets.Count, secrets.Count), (stored, rows));
    }

    [Fact]
    public async Task A_store_that_straddles_the_catch_up_is_rolled_back_by_its_client_and_the_resharing_commits_without_it()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 20);
        var split = Shamir.Split(RandomNumberGenerator.GetBytes(16), 3, 5);
        ShareWrite Share(byte x) => new(InProcessFleet.Owner, "straddled", 99, split.Shares[x - 1].Value.ToArray(), split.Commitment, 3, false);
        var (catchingUp, early, late, rollback) = (0, (PutStatus?)null, (PutStatus?)null, (DeleteStatus?)null);
        fleet.BeforeBegin = async x =>
        {
            if (x == 1 && early is null && fleet[1].Participant.Current is { CatchUp: false, Phase: OperationPhase.Staged })
            {
                // The store reaches node 1 before the catch-up starts there...
                early = (await fleet[1].Store.PutAsync(Share(1), CancellationToken.None)).Status;
            }
        };
        fleet.AfterBegin = async x =>
        {
            if (fleet[x].Participant.Current is { CatchUp: true } && Interlocked.Increment(ref catchingUp) == 5)
            {
                // ...and node 2 after, which refuses it; the client then rolls node 1 back.
                late = (await fleet[2].Store.PutAsync(Share(2), CancellationToken.None)).Status;
                rollback = (await fleet[1].Store.DeleteAsync(InProcessFleet.Owner, "straddled", 99, CancellationToken.None)).Status;
            }
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        fleet.BeforeBegin = fleet.AfterBegin = null;
        Assert.Equal(PutStatus.Stored, early);
        Assert.Equal(PutStatus.Frozen, late);
        Assert.Equal(DeleteStatus.Deleted, rollback);
        Assert.True(outcome.Committed, outcome.Reason);
        await AssertNewCommitteeHoldsAllButAsync(fleet, secrets, "straddled");
    }

    [Fact]
    public async Task A_resharing_whose_catch_up_aborts_leaves_the_stores_made_during_it_on_the_old_committee()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 20);
        var verified = 0;
        fleet.AfterVerify = async x =>
        {
            if (fleet[x].Participant.Current is { CatchUp: false } && Interlocked.Increment(ref verified) == 5)
            {
                secrets["during"] = RandomNumberGenerator.GetBytes(33);
                await fleet.StoreAsync("during", secrets["during"]);
            }
        };
        // A dealer that goes away in the last round: the resharing aborts there.
        fleet.BeforeVerify = async x =>
        {
            if (x == 4 && fleet[4].Participant.Current is { CatchUp: true })
            {
                await fleet.StopNodeAsync(4);
            }
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        fleet.AfterVerify = fleet.BeforeVerify = null;
        Assert.False(outcome.Committed);
        Assert.Contains("x 4", outcome.Reason);
        await fleet.StartNodeAsync(4);
        await fleet.NewCoordinator().ResumeAsync(fleet.View, CancellationToken.None);
        await AssertOldCommitteeIntactAsync(fleet, secrets);
        Assert.Equal(secrets["during"], await fleet.RecoverAsync("during", 2, 4, 5));
    }

    [Fact]
    public async Task A_catch_up_round_is_refused_by_a_node_whose_first_round_did_not_stage()
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2);
        await StoreManyAsync(fleet, 5);
        BeginRequest Begin(bool catchUp)
        {
            var begin = RefreshBegins.Of(fleet.View, "reshare-by-hand");
            begin.Kind = OperationKind.Resharing;
            begin.Receivers.Add(begin.Dealers);
            begin.NewThreshold = 1;
            begin.CatchUp = catchUp;
            return begin;
        }

        // Taken as a first round, a catch-up would snapshot and deal every pair, not only new ones.
        var unknown = await Assert.ThrowsAsync<OperationRejectedException>(() => fleet[1].Participant.BeginAsync(Begin(catchUp: true), InProcessFleet.Operator, CancellationToken.None));
        Assert.Contains("took no first round", unknown.Message);
        Assert.Null(fleet[1].Participant.Current);
        await fleet[1].Participant.BeginAsync(Begin(catchUp: false), InProcessFleet.Operator, CancellationToken.None);
        var early = await Assert.ThrowsAsync<OperationRejectedException>(() => fleet[1].Participant.BeginAsync(Begin(catchUp: true), InProcessFleet.Operator, CancellationToken.None));
        Assert.Contains("only once the first round staged", early.Message);
        Assert.Equal(OperationPhase.Dealing, fleet[1].Participant.Current!.Phase);
        Assert.False(fleet[1].Participant.Current!.CatchUp);
    }

    [Fact]
    public async Task A_delete_between_the_agreement_and_a_dealers_verify_aborts_without_blaming_anyone_and_deletes_after_it_are_refused()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 20);
        var (between, after) = ((DeleteStatus?)null, (DeleteStatus?)null);
        fleet.BeforeVerify = async x =>
        {
            if (x == 3)
            {
                between = (await fleet[3].Store.DeleteAsync(InProcessFleet.Owner, "secret-0000", 0, CancellationToken.None)).Status;
            }
        };
        fleet.AfterVerify = async x =>
        {
            if (x == 1)
            {
                after = (await fleet[1].Store.DeleteAsync(InProcessFleet.Owner, "secret-0001", 0, CancellationToken.None)).Status;
            }
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.Equal(DeleteStatus.Deleted, between);
        Assert.Equal(DeleteStatus.Frozen, after);
        Assert.False(outcome.Committed);
        Assert.Empty(outcome.Culprits);
        Assert.Contains("snapshot changed after the coordinator agreed on it", outcome.Reason);
        fleet.BeforeVerify = fleet.AfterVerify = null;
        secrets.Remove("secret-0000");
        await AssertOldCommitteeIntactAsync(fleet, secrets);
    }

    [Fact]
    public async Task A_refresh_after_a_resharing_refreshes_the_new_committee()
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2);
        var secrets = await StoreManyAsync(fleet, 20);
        Assert.True((await fleet.ReshareAsync(5, 3)).Committed);

        var refresh = await fleet.Coordinator.RefreshAsync(fleet.View, null, CancellationToken.None);

        Assert.True(refresh.Committed, refresh.Reason);
        Assert.Equal(2UL, refresh.Epoch);
        await AssertRecoverableAsync(fleet, secrets, [1, 3, 5]);
    }

    [Fact]
    public async Task A_dealer_killed_during_the_resharing_aborts_it_and_the_old_committee_stays()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 30);
        fleet.AfterBegin = async x =>
        {
            if (x == 5)
            {
                await fleet.StopNodeAsync(3);
            }
        };

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.False(outcome.Committed);
        Assert.Contains("x 3", outcome.Reason);
        fleet.AfterBegin = null;
        await fleet.StartNodeAsync(3);
        // The abort reaches node 3 once it is back (a successor re-sends the recorded decision).
        await fleet.NewCoordinator().ResumeAsync(fleet.View, CancellationToken.None);
        await AssertOldCommitteeIntactAsync(fleet, secrets);
    }

    [Fact]
    public async Task A_coordinator_gone_after_its_decision_is_replaced_by_one_that_finishes_the_resharing()
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3);
        var secrets = await StoreManyAsync(fleet, 30);
        var oldView = fleet.View;
        var committee = Enumerable.Range(1, 3).Select(x => InProcessFleet.Member((byte)x)).ToArray();
        using var coordinatorGone = new CancellationTokenSource();
        fleet.BeforeCommit = async x =>
        {
            if (x == 2)
            {
                await coordinatorGone.CancelAsync();
                coordinatorGone.Token.ThrowIfCancellationRequested();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet.Coordinator.ReshareAsync(oldView, committee, 2, null, coordinatorGone.Token));
        fleet.BeforeCommit = null;
        Assert.Equal(OperationDecision.Commit, (await fleet.Log.LoadAsync(CancellationToken.None))!.Decision);
        var resumed = await fleet.NewCoordinator().ResumeAsync(EpochCoordinator.ResharingView(oldView, committee), CancellationToken.None);

        Assert.NotNull(resumed);
        Assert.True(resumed.Committed);
        Assert.True(resumed.AllAcknowledged);
        Assert.All([fleet[1], fleet[2], fleet[3]], node => Assert.Equal(2, node.Store.State.Threshold));
        Assert.All([fleet[4], fleet[5]], node => Assert.False(node.Store.State.IsMember));
        foreach (var (name, secret) in secrets)
        {
            var shares = await fleet.ReadSharesAsync(name, 1, 3);
            Assert.Equal(secret, Shamir.Combine([new ShareValue(1, shares[0].Share), new ShareValue(3, shares[1].Share)], shares[0].Commitment, 2));
        }
    }

    [Fact]
    public async Task A_dealer_serves_its_mask_share_only_to_the_dealer_it_is_meant_for_and_its_digests_only_to_dealers()
    {
        await using var fleet = await InProcessFleet.StartAsync(3, 2);
        await StoreManyAsync(fleet, 3);
        OperationRejectedException? maskForAnother = null, digestsToReceiver = null;
        fleet.AfterBegin = async x =>
        {
            if (x != 1)
            {
                return;
            }
            var operation = fleet[1].Participant.Current!.Id;
            // Without the check these calls would wait for a batch that Verify has not started yet: they must be refused at once.
            using var refusedAtOnce = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            // Node 2 asks node 1 for the ν meant for node 3: with t of them μ is known and the published constants unmasked.
            maskForAnother = await Assert.ThrowsAsync<OperationRejectedException>(() =>
                fleet[1].Participant.DealMaskAsync(new DealMaskRequest { OperationId = operation, Batch = 0, ReceiverX = 3 }, InProcessFleet.NodeIdentity(2), refusedAtOnce.Token));
            // Node 4 joins as a receiver only: it has no business with the dealers' digest exchange.
            digestsToReceiver = await Assert.ThrowsAsync<OperationRejectedException>(() =>
                fleet[1].Participant.DealerDigestsAsync(new DealerDigestsRequest { OperationId = operation, Batch = 0 }, InProcessFleet.NodeIdentity(4), refusedAtOnce.Token));
        };

        var outcome = await fleet.ReshareAsync(4, 2);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.Equal(OperationRejection.PermissionDenied, maskForAnother!.Reason);
        Assert.Contains("node-2", maskForAnother.Message);
        Assert.Equal(OperationRejection.PermissionDenied, digestsToReceiver!.Reason);
    }

    // The new committee (nodes 1 to 3) serves every secret, and nothing of a store its client rolled back.
    private static async Task AssertNewCommitteeHoldsAllButAsync(InProcessFleet fleet, Dictionary<string, byte[]> secrets, string rolledBack)
    {
        await AssertRecoverableAsync(fleet, secrets, [1, 3]);
        foreach (var x in new byte[] { 1, 2, 3 })
        {
            Assert.Equal(ReadStatus.NotFound, (await fleet[x].Store.GetAsync(InProcessFleet.Owner, rolledBack, 0, CancellationToken.None)).Status);
        }
    }

    private static async Task AssertOldCommitteeIntactAsync(InProcessFleet fleet, Dictionary<string, byte[]> secrets)
    {
        Assert.Equal(3, fleet.Threshold);
        await AssertRecoverableAsync(fleet, secrets, [1, 3, 5]);
        foreach (var x in new byte[] { 1, 2, 3, 4, 5 })
        {
            Assert.Equal(0UL, fleet[x].Store.State.Epoch);
            Assert.True(fleet[x].Store.State.IsMember);
        }
        // Writes work again once the resharing aborted.
        await fleet.StoreAsync("after-abort", [1, 2, 3]);
    }

    /// <summary>A dealer that deals, consistently, shares one bit off its own: only the public check can see it.</summary>
    private sealed class WrongConstant : HonestDealing, IDealerTamper
    {
        public void ResharedShares(ulong batch, Span<byte> shares) => shares[0] ^= 0x80;
    }

    /// <summary>A consistent dealing, but joining nodes are told another commitment for the first pair of every batch.</summary>
    private sealed class WrongDescription : HonestDealing, IDealerTamper
    {
        public void DescribedPairs(ulong batch, RecoveredPair[] pairs) => pairs[0].Commitment = Google.Protobuf.ByteString.CopyFrom(new byte[32]);
    }
}
