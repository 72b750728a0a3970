using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>
/// Recovery asks q = max(t, n − t + 1) nodes first and widens to all of them on any doubt: it
/// spreads the reads, still finds and names wrong nodes it meets, steps around a node that is
/// down, and never misses a newer version that t nodes hold.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class QuorumReadTests
{
    [Fact]
    public async Task A_healthy_fleet_answers_from_three_of_five_nodes_taken_in_turn()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var secret = RandomNumberGenerator.GetBytes(48);
        await fleet.Client().StoreAsync("spread", secret, null, default);
        var quorumClient = fleet.Client();
        var everyNodeClient = fleet.Client(configure: o => o with { RecoverReads = RecoverReads.AllNodes });

        var before = await GetCountsAsync(fleet);
        for (var i = 0; i < 10; i++)
        {
            var recovered = await quorumClient.RecoverAsync("spread", default);
            Assert.Equal(secret, recovered.Secret);
            Assert.Equal(3, recovered.UsedXs.Count);
        }
        var afterQuorum = await GetCountsAsync(fleet);
        var allNodes = await everyNodeClient.RecoverAsync("spread", default);
        var afterAll = await GetCountsAsync(fleet);

        // Ten recoveries, three Gets each, every node asked equally often.
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(6, afterQuorum[i] - before[i]));
        Assert.Equal(secret, allNodes.Secret);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(1, afterAll[i] - afterQuorum[i]));
    }

    [Fact]
    public async Task A_forged_share_met_in_a_quorum_widens_the_read_and_its_node_is_named()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var secret = RandomNumberGenerator.GetBytes(40);
        var client = fleet.Client();
        await client.StoreAsync("forged", secret, null, default);
        await fleet.StopNodeAsync(2);
        ShareTampering.RewriteShare(fleet, 2, share => share[5] ^= 0x10, reseal: true);
        await fleet.StartNodeAsync(2);

        var results = new List<RecoverResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await client.RecoverAsync("forged", default));
        }

        Assert.All(results, r => Assert.Equal(secret, r.Secret));
        // Node 2 is either named or was not used; rotation puts it into three of five quorums.
        Assert.All(results, r => Assert.True(r.BadXs.SequenceEqual([(byte)2]) || (r.BadXs.Count == 0 && !r.UsedXs.Contains((byte)2)), $"bad {string.Join(',', r.BadXs)}, used {string.Join(',', r.UsedXs)}"));
        Assert.Equal(3, results.Count(r => r.BadXs.Count == 1));
    }

    [Fact]
    public async Task A_node_that_is_down_is_named_once_and_then_left_out_of_quorums()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var secret = RandomNumberGenerator.GetBytes(32);
        var client = fleet.Client(configure: o => o with { UnreachableBackoff = TimeSpan.FromMinutes(10) });
        await client.StoreAsync("detour", secret, null, default);
        await fleet.StopNodeAsync(3);

        var results = new List<RecoverResult>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(await client.RecoverAsync("detour", default));
        }

        Assert.All(results, r => Assert.Equal(secret, r.Secret));
        var firstMiss = results.FindIndex(r => r.UnreachableXs.Count > 0);
        Assert.InRange(firstMiss, 0, 2);
        Assert.Equal([(byte)3], results[firstMiss].UnreachableXs);
        Assert.All(results.Skip(firstMiss + 1), r => Assert.True(r.UnreachableXs.Count == 0 && !r.UsedXs.Contains((byte)3) && r.UsedXs.Count == 3));
    }

    [Fact]
    public async Task A_newer_version_that_t_nodes_hold_is_recovered_whichever_nodes_the_quorum_asks()
    {
        // n = 5, t = 2: the quorum is 4, so the one node not asked cannot hide a version two nodes hold.
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 2);
        var client = fleet.Client();
        var stored = await client.StoreAsync("newer", RandomNumberGenerator.GetBytes(32), null, default);
        var newer = RandomNumberGenerator.GetBytes(32);
        await PutAsync(fleet, "newer", stored.Version + 1, newer, onto: [4, 5]);

        for (var i = 0; i < 5; i++)
        {
            var recovered = await client.RecoverAsync("newer", default);
            Assert.Equal(newer, recovered.Secret);
            Assert.Equal(stored.Version + 1, recovered.Version);
            Assert.Equal([(byte)4, (byte)5], recovered.UsedXs);
        }
    }

    // Writes one version straight onto some nodes only, as a store cut short would leave it.
    private static async Task PutAsync(ProcessFleet fleet, string name, ulong version, byte[] secret, byte[] onto)
    {
        var split = Shamir.Split(secret, fleet.Threshold, fleet.Count);
        using var tls = fleet.Issue(FleetRole.Client, "alice").ToTlsMaterial();
        foreach (var x in onto)
        {
            using var channel = new GrpcTestChannel(new RpcChannelOptions { Address = fleet.View.Members[x - 1].Endpoint, Tls = tls, TlsServerName = "localhost" });
            await channel.UnaryAsync("secretfleet.v1.Shares", "Put", new PutShareRequest
            {
                Name = name, Version = version, X = x, Threshold = (uint)fleet.Threshold,
                Share = ByteString.CopyFrom(split.Shares[x - 1].Value), Commitment = ByteString.CopyFrom(split.Commitment),
            }, PutShareResponse.Parser, TimeSpan.FromSeconds(10), default);
        }
    }

    // OK Gets each node has served, from its Prometheus counter.
    private static async Task<long[]> GetCountsAsync(ProcessFleet fleet)
    {
        using var http = new HttpClient();
        var counts = new long[fleet.Count];
        for (byte x = 1; x <= fleet.Count; x++)
        {
            var text = await http.GetStringAsync(new Uri(fleet[x].Http, "/metrics"));
            var match = OkGets().Match(text);
            counts[x - 1] = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }
        return counts;
    }

    [GeneratedRegex("""^secretfleet_rpc_server_calls_total\{code="OK",method="secretfleet\.v1\.Shares/Get"\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex OkGets();
}
