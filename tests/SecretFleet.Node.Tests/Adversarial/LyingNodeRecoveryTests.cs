using System.Security.Cryptography;
using Google.Protobuf;
using SecretFleet.Core.Client;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Tests.Integration;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Adversarial;

/// <summary>
/// A node that lies to recovering clients: an impostor holding node-1's genuine certificate
/// (x = 2) of a real 3-of-5 fleet answers Get with lies made from the real nodes' honest answers.
/// Recovery must return the right secret whenever t honest nodes answer, name the liar whenever
/// its answer proves it wrong, and never name an honest node: in the quorum path and the
/// every-node path, with and without another node unreachable.
/// </summary>
[Trait("Category", "Adversarial")]
public sealed class LyingNodeRecoveryTests(SharedFleet shared) : IClassFixture<SharedFleet>
{
    private const byte Liar = 2;
    private const byte Down = 4;

    public static TheoryData<string, bool, RecoverReads, bool> Attacks()
    {
        var data = new TheoryData<string, bool, RecoverReads, bool>();
        foreach (var (lie, provable) in Lies)
        {
            foreach (var reads in new[] { RecoverReads.AllNodes, RecoverReads.Quorum })
            {
                data.Add(lie, provable, reads, false);
                data.Add(lie, provable, reads, true);
            }
        }
        return data;
    }

    // Each lie, and whether the answer alone proves it wrong. A lone newer version or a share
    // claiming another epoch is what a failed store or a node mid-commit sends too: never used,
    // but not named either.
    private static readonly (string Lie, bool Provable)[] Lies =
    [
        ("x = 0", true),
        ("another node's x", true),
        ("another node's answer, verbatim", true),
        ("a longer share", true),
        ("garbage of the right shape", true),
        ("another commitment", true),
        ("another threshold", true),
        ("another node's share under its own x", true),
        ("a newer version", false),
        ("another epoch", false),
    ];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_lying_node_does_not_stop_recovery_and_no_honest_node_is_named(string lie, bool provable, RecoverReads reads, bool anotherNodeDown)
    {
        var name = $"lie-{Guid.NewGuid():N}"[..20];
        var secret = RandomNumberGenerator.GetBytes(45);
        await shared.Fleet.Client("alice").StoreAsync(name, secret, null, default);
        await using var liar = await LyingNode.StartAsync(shared.Fleet, Liar, "alice", (request, honest) => LieAsync(lie, request, honest));
        byte[] down = anotherNodeDown ? [Down] : [];
        var client = shared.Fleet.Client("alice", o => o with { Nodes = liar.Members(shared.Fleet, down), RecoverReads = reads, CallTimeout = TimeSpan.FromSeconds(10) });

        // Five recoveries: the quorum's start rotates, so the liar is asked in some and not in others.
        var results = new List<RecoverResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await client.RecoverAsync(name, default));
        }

        Assert.True(liar.Gets > 0, "the liar was never asked");
        Assert.All(results, r =>
        {
            Assert.Equal(secret, r.Secret);
            Assert.DoesNotContain(Liar, r.UsedXs);
            Assert.True(r.BadXs.All(x => x == Liar), $"honest nodes named: {string.Join(", ", r.BadXs)}");
            Assert.Empty(r.UnreachableXs.Except(down));
        });
        if (provable)
        {
            // Every read that asked every node met the liar and must have named it.
            Assert.Contains(results, r => r.BadXs.SequenceEqual([Liar]));
            Assert.All(results.Where(r => reads == RecoverReads.AllNodes), r => Assert.Equal([Liar], r.BadXs));
        }
        else
        {
            Assert.All(results, r => Assert.Empty(r.BadXs));
        }
    }

    [Theory]
    [InlineData("x = 0", true)]
    [InlineData("garbage of the right shape", false)]
    public async Task With_a_liar_and_fewer_than_t_honest_nodes_recovery_fails_naming_only_the_liar_and_the_silent(string lie, bool provable)
    {
        var name = $"few-{Guid.NewGuid():N}"[..20];
        await shared.Fleet.Client("alice").StoreAsync(name, RandomNumberGenerator.GetBytes(20), null, default);
        await using var liar = await LyingNode.StartAsync(shared.Fleet, Liar, "alice", (request, honest) => LieAsync(lie, request, honest));
        var client = shared.Fleet.Client("alice", o => o with { Nodes = liar.Members(shared.Fleet, 4, 5), RecoverReads = RecoverReads.AllNodes });

        var error = await Assert.ThrowsAsync<FleetClientException>(() => client.RecoverAsync(name, default));

        // Nodes 1 and 3 answered honestly: neither may appear, in the list or the message's accusations.
        Assert.Equal(FleetErrorKind.NotEnoughNodes, error.Kind);
        byte[] named = provable ? [Liar, 4, 5] : [4, 5];
        Assert.Equal(named, error.Nodes);
        Assert.DoesNotContain("node-0", error.Message);
        Assert.DoesNotContain("node-2", error.Message);
        Assert.Contains(provable ? "wrong answers from node-1; unreachable: node-3, node-4" : "unreachable: node-3, node-4", error.Message);
    }

    [Fact]
    public async Task A_node_replaying_its_share_of_the_previous_epoch_is_named_when_it_claims_the_current_one()
    {
        var name = $"replay-{Guid.NewGuid():N}"[..20];
        var secret = RandomNumberGenerator.GetBytes(33);
        var alice = shared.Fleet.Client("alice");
        await alice.StoreAsync(name, secret, null, default);
        var before = await HonestAnswerAsync(name);
        using (var operations = shared.Fleet.Operations())
        {
            var refresh = await shared.Fleet.Coordinator(operations).RefreshAsync(shared.Fleet.View, null, default);
            Assert.True(refresh.Committed, refresh.Reason);
        }
        var current = (await alice.RecoverAsync(name, default)).Epoch;
        Assert.Equal(before.Epoch + 1, current);

        // The old share as it was (an old epoch: unprovable, unused), and relabelled as current (wrong, named).
        foreach (var relabel in new[] { false, true })
        {
            await using var liar = await LyingNode.StartAsync(shared.Fleet, Liar, "alice", (_, _) =>
                Task.FromResult(relabel ? Edit(before, r => r.Epoch = current) : before.Clone()));
            var client = shared.Fleet.Client("alice", o => o with { Nodes = liar.Members(shared.Fleet, Down), RecoverReads = RecoverReads.AllNodes });

            var result = await client.RecoverAsync(name, default);

            Assert.Equal(secret, result.Secret);
            Assert.Equal(current, result.Epoch);
            byte[] named = relabel ? [Liar] : [];
            Assert.Equal(named, result.BadXs);
            Assert.Equal([(byte)1, (byte)3, (byte)5], result.UsedXs);
        }
    }

    private async Task<GetShareResponse> HonestAnswerAsync(string name)
    {
        GetShareResponse? captured = null;
        await using var tap = await LyingNode.StartAsync(shared.Fleet, Liar, "alice", async (request, honest) => captured = await honest(Liar));
        var client = shared.Fleet.Client("alice", o => o with { Nodes = tap.Members(shared.Fleet), RecoverReads = RecoverReads.AllNodes });
        await client.RecoverAsync(name, default);
        return captured!;
    }

    private static async Task<GetShareResponse> LieAsync(string lie, GetShareRequest request, Func<byte, Task<GetShareResponse>> honest)
    {
        var own = await honest(Liar);
        var length = own.Share.Length;
        return lie switch
        {
            "x = 0" => Edit(own, r => r.X = 0),
            "another node's x" => Edit(own, r => (r.X, r.Share) = (3, Garbage(length))),
            "another node's answer, verbatim" => await honest(3),
            "a longer share" => Edit(own, r => r.Share = ByteString.CopyFrom([.. own.Share.Span, .. RandomNumberGenerator.GetBytes(16)])),
            "garbage of the right shape" => Edit(own, r => r.Share = Garbage(length)),
            "another commitment" => Edit(own, r => r.Commitment = Garbage(32)),
            "another threshold" => Edit(own, r => r.Threshold += 1),
            "another node's share under its own x" => Edit(await honest(3), r => r.X = Liar),
            "a newer version" => Edit(own, r => (r.Version, r.Share, r.Commitment) = (own.Version + 1, Garbage(length), Garbage(32))),
            "another epoch" => Edit(own, r => (r.Epoch, r.Share) = (own.Epoch + 1, Garbage(length))),
            _ => throw new ArgumentException(lie),
        };
    }

    private static GetShareResponse Edit(GetShareResponse answer, Action<GetShareResponse> edit)
    {
        var copy = answer.Clone();
        edit(copy);
        return copy;
    }

    private static ByteString Garbage(int length) => ByteString.CopyFrom(RandomNumberGenerator.GetBytes(length));
}
