using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Adversarial;

/// <summary>
/// A node that holds a genuine node certificate of the fleet and asks its peers for what is not
/// meant for it, during real refreshes and recoveries of real node processes: refused, audited,
/// logged with its identity, nothing leaked, and the operation still completes.
/// </summary>
[Trait("Category", "Adversarial")]
public sealed class PeerAuthorizationTests
{
    private const string Refresh = "secretfleet.v1.Refresh";
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Node_cannot_fetch_the_dealing_meant_for_another_node()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 50);
        using var operations = fleet.Operations();
        using var thief = fleet.Issue(FleetRole.Node, "node-0").ToTlsMaterial();
        var attempts = new ConcurrentBag<(uint ReceiverX, StatusCode? Code)>();
        var hooked = new HookedOperations(operations)
        {
            // Node 2 deals now; node x 1 (holding its own real certificate) asks for the batches meant for others.
            AfterVerify = async x =>
            {
                if (x != 2 || !attempts.IsEmpty)
                {
                    return;
                }
                var operation = (await operations.InfoAsync(fleet.View.Member(2), default)).Operation.Id;
                using var channel = Channel(fleet, 2, thief);
                foreach (var receiver in new uint[] { 3, 4, 5, 2 })
                {
                    attempts.Add((receiver, await CodeOfAsync(() => channel.UnaryAsync(Refresh, "Deal", new DealRequest { OperationId = operation, ReceiverX = receiver, Batch = 0 }, DealResponse.Parser, Quick, default))));
                }
            },
        };

        var outcome = await fleet.Coordinator(hooked).RefreshAsync(fleet.View, null, default);

        Assert.Equal(4, attempts.Count);
        Assert.All(attempts, a => Assert.True(a.Code == StatusCode.PermissionDenied, $"Deal for x {a.ReceiverX} answered {a.Code?.ToString() ?? "with sub-shares"}"));
        Assert.True(outcome.Committed, outcome.Reason);
        await AssertAllRecoverAsync(client, secrets);
        await AssertRefusalRecordedAsync(fleet, 2, "spiffe://test.local/node/node-0", "Deal");
    }

    [Fact]
    public async Task Node_that_is_not_the_recovery_target_cannot_fetch_masked_values()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 30);
        await fleet.StopNodeAsync(5);
        Directory.Delete(fleet.DataDirectory(5), recursive: true);
        await fleet.StartNodeAsync(5);
        using var operations = fleet.Operations();
        using var thief = fleet.Issue(FleetRole.Node, "node-0").ToTlsMaterial();
        StatusCode? answered = StatusCode.OK;
        var attacked = false;
        var hooked = new HookedOperations(operations)
        {
            // The target's Verify comes once every helper staged its masked values: the moment they are served.
            AfterVerify = async x =>
            {
                if (x != 5)
                {
                    return;
                }
                attacked = true;
                var operation = (await operations.InfoAsync(fleet.View.Member(2), default)).Operation.Id;
                using var channel = Channel(fleet, 2, thief);
                answered = await CodeOfAsync(() => channel.UnaryAsync(Refresh, "FetchRecovered", new FetchRecoveredRequest { OperationId = operation }, FetchRecoveredResponse.Parser, Quick, default));
            },
        };

        var outcome = await fleet.Coordinator(hooked).RecoverAsync(fleet.View, 5, null, default);

        Assert.True(outcome.Committed, outcome.Reason);
        Assert.True(attacked);
        Assert.Equal(StatusCode.PermissionDenied, answered);
        await AssertAllRecoverAsync(fleet.Client(configure: o => o with { RecoverReads = RecoverReads.AllNodes }), secrets);
        await AssertRefusalRecordedAsync(fleet, 2, "spiffe://test.local/node/node-0", "FetchRecovered");
    }

    [Fact]
    public async Task Only_this_fleets_operator_identity_may_drive_epoch_changes()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client();
        var secrets = await StoreManyAsync(client, 5);
        using var rogueOperator = fleet.Issue(FleetRole.Operator, "rogue").ToTlsMaterial();
        using var node = fleet.Issue(FleetRole.Node, "node-1").ToTlsMaterial();
        var begin = RefreshBegins.Of(fleet.View, "refresh-rogue");

        foreach (var tls in new[] { rogueOperator, node })
        {
            using var channel = Channel(fleet, 1, tls);
            Assert.Equal(StatusCode.PermissionDenied, await CodeOfAsync(() => channel.UnaryAsync(Refresh, "Begin", begin, BeginResponse.Parser, Quick, default)));
            Assert.Equal(StatusCode.PermissionDenied, await CodeOfAsync(() => channel.UnaryAsync(Refresh, "Abort", new AbortRequest { OperationId = "refresh-rogue" }, AbortResponse.Parser, Quick, default)));
            Assert.Equal(StatusCode.PermissionDenied, await CodeOfAsync(() => channel.UnaryAsync("secretfleet.v1.Admin", "Join", new JoinRequest { FleetId = "stolen" }, JoinResponse.Parser, Quick, default)));
        }

        Assert.Null((await fleet.Operations().InfoAsync(fleet.View.Member(1), default)).Operation);
        await AssertRefusalRecordedAsync(fleet, 1, "spiffe://test.local/operator/rogue", "Begin");
        using var operations = fleet.Operations();
        Assert.True((await fleet.Coordinator(operations).RefreshAsync(fleet.View, null, default)).Committed);
        await AssertAllRecoverAsync(client, secrets);
    }

    [Fact]
    public async Task Identities_of_another_fleet_under_the_same_issuer_are_refused()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.Client().StoreAsync("kept", new byte[] { 1, 2, 3 }, null, default);
        var endpoint = fleet.View.Member(1).Endpoint;
        var get = new GetShareRequest { Name = "kept" }.ToByteArray();
        var abort = new AbortRequest { OperationId = "x" }.ToByteArray();
        var deal = new DealRequest { OperationId = "x", ReceiverX = 1 }.ToByteArray();

        // The same issuer, this fleet's trust domain: the call goes through (the control).
        using var ownClient = SharedIssuer.Issue(fleet.Authority, new FleetIdentity(ProcessFleet.TrustDomain, FleetRole.Client, "alice"));
        Assert.Equal("0", await RawGrpc.CallAsync(endpoint, "/secretfleet.v1.Shares/Get", ownClient, get));

        // Another fleet's identities, signed by the very same CA: the node refuses the connection.
        foreach (var (role, name, path, message) in new[]
        {
            (FleetRole.Client, "alice", "/secretfleet.v1.Shares/Get", get),
            (FleetRole.Operator, ProcessFleet.OperatorName, "/secretfleet.v1.Refresh/Abort", abort),
            (FleetRole.Node, "node-1", "/secretfleet.v1.Refresh/Deal", deal),
        })
        {
            using var foreign = SharedIssuer.Issue(fleet.Authority, new FleetIdentity("other.local", role, name));
            Assert.Null(await RawGrpc.CallAsync(endpoint, path, foreign, message));
        }
    }

    [Fact]
    public async Task A_node_answering_at_another_nodes_address_is_not_taken_for_it()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var secret = RandomNumberGenerator.GetBytes(32);
        await fleet.Client().StoreAsync("s", secret, null, default);
        // Node x 1's address now leads to node x 2 (a poisoned DNS record, a hijacked pod IP):
        // node 2's certificate is valid for the name dialled, but it is not node 1's identity.
        var view = fleet.View;
        var redirected = view.Members.Select(m => m.X == 1 ? m with { Endpoint = view.Member(2).Endpoint } : m).ToList();
        using var tls = fleet.Issue(FleetRole.Client, "alice").ToTlsMaterial();
        using var client = new FleetClient(new FleetClientOptions(redirected, 2, tls) { RecoverReads = RecoverReads.AllNodes });

        var recovered = await client.RecoverAsync("s", default);

        Assert.Equal(secret, recovered.Secret);
        Assert.Equal([(byte)1], recovered.UnreachableXs);
        Assert.DoesNotContain((byte)1, recovered.UsedXs);
    }

    private static GrpcTestChannel Channel(ProcessFleet fleet, byte x, TlsMaterial tls) =>
        new(new RpcChannelOptions { Address = fleet.View.Member(x).Endpoint, Tls = tls, TlsServerName = "localhost", MaxReceiveMessageBytes = 64 * 1024 * 1024 });

    private static async Task<StatusCode?> CodeOfAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static async Task AssertRefusalRecordedAsync(ProcessFleet fleet, byte x, string caller, string method)
    {
        await Eventually.TrueAsync(() => fleet[x].Output.Contains($"Refused secretfleet.v1.", StringComparison.Ordinal) && fleet[x].Output.Contains(caller, StringComparison.Ordinal),
            $"node x {x} logged the refusal of {caller}");
        await Eventually.TrueAsync(() => NodeDatabase.Audit(fleet, x).Any(a => a.Identity == caller && a.Operation == "denied" && a.Subject.EndsWith("/" + method, StringComparison.Ordinal)),
            $"node x {x} audited the refusal of {method} to {caller}");
    }

    private static async Task<Dictionary<string, byte[]>> StoreManyAsync(FleetClient client, int count)
    {
        var secrets = new ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), async (i, ct) =>
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            await client.StoreAsync($"s-{i}", secret, null, ct);
            secrets[$"s-{i}"] = secret;
        });
        return new Dictionary<string, byte[]>(secrets);
    }

    private static async Task AssertAllRecoverAsync(FleetClient client, Dictionary<string, byte[]> secrets)
    {
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, (await client.RecoverAsync(name, default)).Secret);
        }
    }
}
