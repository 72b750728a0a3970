using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>Nodes that crash, restart, lose rows to tampering or receive garbage: nothing is lost and the culprit is named.</summary>
[Trait("Category", "Integration")]
public sealed class ResilienceTests
{
    [Fact]
    public async Task Two_killed_nodes_do_not_stop_recovery_but_three_do_and_are_named()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client(configure: o => o with { RecoverReads = RecoverReads.AllNodes });
        var secret = RandomNumberGenerator.GetBytes(64);
        await client.StoreAsync("survivor", secret, null, default);

        await fleet.StopNodeAsync(2);
        await fleet.StopNodeAsync(4);
        var recovered = await client.RecoverAsync("survivor", default);
        Assert.Equal(secret, recovered.Secret);
        Assert.Equal([(byte)2, (byte)4], recovered.UnreachableXs);
        Assert.Equal(["survivor"], (await client.ListAsync(default)).Select(s => s.Name));

        await fleet.StopNodeAsync(5);
        var error = await Assert.ThrowsAsync<FleetClientException>(() => client.RecoverAsync("survivor", default));
        Assert.Equal(FleetErrorKind.NotEnoughNodes, error.Kind);
        Assert.Contains("node-1, node-3, node-4", error.Message);
        var listing = await Assert.ThrowsAsync<FleetClientException>(() => client.ListAsync(default));
        Assert.Equal(FleetErrorKind.NotEnoughNodes, listing.Kind);
        Assert.Equal([(byte)2, (byte)4, (byte)5], listing.Nodes);
        Assert.Contains("node-1, node-3, node-4", listing.Message);
    }

    [Fact]
    public async Task A_store_with_a_node_down_fails_and_leaves_nothing_behind()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client();
        await fleet.StopNodeAsync(3);

        var error = await Assert.ThrowsAsync<FleetClientException>(() => client.StoreAsync("half-written", new byte[] { 1 }, null, default));

        Assert.Equal(FleetErrorKind.NotEnoughNodes, error.Kind);
        Assert.Equal([(byte)3], error.Nodes);
        await fleet.StartNodeAsync(3);
        var missing = await Assert.ThrowsAsync<FleetClientException>(() => client.RecoverAsync("half-written", default));
        Assert.Equal(FleetErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task Restarting_every_node_keeps_every_secret()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client();
        var secrets = Enumerable.Range(0, 30).ToDictionary(i => $"kept-{i}", _ => RandomNumberGenerator.GetBytes(40));
        foreach (var (name, secret) in secrets)
        {
            await client.StoreAsync(name, secret, null, default);
        }

        for (byte x = 1; x <= 3; x++)
        {
            await fleet.StopNodeAsync(x, crash: false);
        }
        for (byte x = 1; x <= 3; x++)
        {
            await fleet.StartNodeAsync(x);
        }

        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, (await client.RecoverAsync(name, default)).Secret);
        }
    }

    [Fact]
    public async Task A_tampered_row_and_a_forged_share_are_survived_and_their_nodes_named()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);
        var client = fleet.Client(configure: o => o with { RecoverReads = RecoverReads.AllNodes });
        var secret = RandomNumberGenerator.GetBytes(100);
        await client.StoreAsync("tampered", secret, null, default);

        await fleet.StopNodeAsync(2);
        ShareTampering.RewriteShare(fleet, 2, sealedValue => sealedValue[20] ^= 0x40, reseal: false);
        await fleet.StartNodeAsync(2);
        await fleet.StopNodeAsync(4);
        ShareTampering.RewriteShare(fleet, 4, share => share[3] ^= 0x01, reseal: true);
        await fleet.StartNodeAsync(4);

        var recovered = await client.RecoverAsync("tampered", default);

        Assert.Equal(secret, recovered.Secret);
        Assert.Equal([(byte)2, (byte)4], recovered.BadXs);
    }

    [Fact]
    public async Task A_node_killed_during_a_burst_of_stores_comes_back_without_a_torn_share()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client(configure: o => o with { CallTimeout = TimeSpan.FromSeconds(5) });
        var secrets = Enumerable.Range(0, 300).ToDictionary(i => $"burst-{i}", _ => RandomNumberGenerator.GetBytes(32));

        var completed = 0;
        var someDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stores = secrets.Select(async s =>
        {
            try
            {
                await client.StoreAsync(s.Key, s.Value, null, default);
                return s.Key;
            }
            catch (FleetClientException)
            {
                return null;
            }
            finally
            {
                if (Interlocked.Increment(ref completed) == 30)
                {
                    someDone.TrySetResult();
                }
            }
        }).ToArray();
        // Kill the node while the burst is in full flight: after some stores finished, before all did.
        await someDone.Task;
        fleet[2].Kill();
        var acknowledged = (await Task.WhenAll(stores)).OfType<string>().ToArray();
        await fleet.StopNodeAsync(2);
        await fleet.StartNodeAsync(2);

        var unreadable = CountUnreadableRows(fleet, 2);
        Assert.Equal(0, unreadable);
        foreach (var name in acknowledged)
        {
            Assert.Equal(secrets[name], (await client.RecoverAsync(name, default)).Secret);
        }
    }

    private static int CountUnreadableRows(ProcessFleet fleet, byte x)
    {
        using var sealer = NodeDatabase.Sealer(fleet, x);
        return NodeDatabase.Rows(fleet, x).Count(row => !sealer.TryOpen(row.Binding, row.Epoch, row.Sealed, new byte[ShareSealer.OpenedLength(row.Sealed.Length)]));
    }

    [Fact]
    public async Task Garbage_oversized_and_unknown_calls_get_their_status_and_the_node_keeps_serving()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        using var tls = fleet.Issue(FleetRole.Client, "alice").ToTlsMaterial();
        using var channel = new GrpcTestChannel(new RpcChannelOptions { Address = fleet.View.Members[0].Endpoint, Tls = tls, TlsServerName = "localhost", MaxSendMessageBytes = 64 * 1024 * 1024 });
        var options = TimeSpan.FromSeconds(10);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync("secretfleet.v1.Shares", "Steal", new GetShareRequest(), GetShareResponse.Parser, options, default));
        // Field 1 claims 100 bytes and brings 3: a truncated message.
        var garbage = await RawGrpc.CallAsync(fleet.View.Members[0].Endpoint, "/secretfleet.v1.Shares/Get", fleet.Issue(FleetRole.Client, "alice"), [0x0A, 100, 1, 2, 3]);
        var huge = new PutShareRequest { Name = "huge", Version = 1, Share = ByteString.CopyFrom(new byte[9 * 1024 * 1024]), Commitment = ByteString.CopyFrom(new byte[32]), Threshold = 2, X = 1 };
        var oversized = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync("secretfleet.v1.Shares", "Put", huge, PutShareResponse.Parser, options, default));
        var badName = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync("secretfleet.v1.Shares", "Get", new GetShareRequest { Name = "../etc/passwd" }, GetShareResponse.Parser, options, default));

        Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);
        // grpc-dotnet answers a request it cannot parse with UNKNOWN ("Exception was thrown by
        // handler."), the parse error stays in the node's log (docs/protocol.md).
        Assert.Equal("2", garbage);
        Assert.Equal(StatusCode.ResourceExhausted, oversized.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badName.StatusCode);
        var client = fleet.Client();
        await client.StoreAsync("still-serving", new byte[] { 42 }, null, default);
        Assert.Equal([42], (await client.RecoverAsync("still-serving", default)).Secret);
    }

    [Fact]
    public async Task A_node_with_a_missing_setting_or_the_wrong_key_exits_2_with_one_clear_sentence()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 1, threshold: 1);
        await fleet.StopNodeAsync(1, crash: false);
        var tls = Path.Combine(fleet.NodeDirectory(1), "tls");

        var (missingCode, missing) = await NodeProcess.RunToExitAsync(["--cluster", "c", "--ordinal", "0", "--threshold", "1", "--tls-dir", tls, "--key-file", fleet.KeyFile(1)]);
        var wrongKey = fleet.Directory.Combine("other.key");
        NodeKey.CreateFile(wrongKey);
        var (keyCode, key) = await NodeProcess.RunToExitAsync(["--cluster", "c", "--ordinal", "0", "--threshold", "1", "--tls-dir", tls, "--key-file", wrongKey, "--data-dir", fleet.DataDirectory(1), "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"]);

        Assert.Equal(2, missingCode);
        Assert.Contains("--data-dir is required", missing);
        Assert.Equal(2, keyCode);
        Assert.Contains("node key does not open the database", key);
    }

}
