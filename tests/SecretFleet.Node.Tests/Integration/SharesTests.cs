using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>Clients against five real node processes over mTLS.</summary>
[Trait("Category", "Integration")]
public sealed class SharesTests(SharedFleet shared) : IClassFixture<SharedFleet>
{
    private const string SharesService = "secretfleet.v1.Shares";

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(1000)]
    [InlineData(65536)]
    public async Task Binary_secrets_up_to_the_size_limit_round_trip(int size)
    {
        var client = shared.Fleet.Client();
        var secret = RandomNumberGenerator.GetBytes(size);
        var name = $"binary-{size}";

        var stored = await client.StoreAsync(name, secret, new StoreOptions(Overwrite: true), default);
        var recovered = await client.RecoverAsync(name, default);

        Assert.Equal(5, stored.Nodes);
        Assert.Equal(secret, recovered.Secret);
        Assert.Empty(recovered.BadXs);
    }

    [Fact]
    public async Task A_text_secret_round_trips_and_each_node_holds_a_different_share()
    {
        var client = shared.Fleet.Client();
        var secret = Encoding.UTF8.GetBytes("correct horse battery staple ✓");
        await client.StoreAsync("text", secret, new StoreOptions(Overwrite: true), default);

        Assert.Equal(secret, (await client.RecoverAsync("text", default)).Secret);
    }

    [Fact]
    public async Task A_secret_over_the_limit_is_refused_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<FleetClientException>(() => shared.Fleet.Client().StoreAsync("too-big", new byte[65537], null, default));
        Assert.Equal(FleetErrorKind.InvalidInput, error.Kind);
        Assert.Contains("65536", error.Message);
    }

    [Fact]
    public async Task Storing_an_existing_name_without_overwrite_is_refused_and_keeps_the_old_secret()
    {
        var client = shared.Fleet.Client();
        await client.StoreAsync("keep-me", new byte[] { 1, 2, 3 }, new StoreOptions(Overwrite: true), default);

        var error = await Assert.ThrowsAsync<FleetClientException>(() => client.StoreAsync("keep-me", new byte[] { 4, 5, 6 }, null, default));

        Assert.Equal(FleetErrorKind.AlreadyExists, error.Kind);
        Assert.Equal([1, 2, 3], (await client.RecoverAsync("keep-me", default)).Secret);
    }

    [Fact]
    public async Task A_client_with_a_stale_threshold_is_told_the_fleet_was_reshared_and_nothing_is_stored()
    {
        // Nodes name the reason in a trailer over the real wire; the client must not need the status text.
        var stale = shared.Fleet.Client("alice", o => o with { Threshold = o.Threshold - 1 });

        var error = await Assert.ThrowsAsync<FleetClientException>(() => stale.StoreAsync("split-for-another-threshold", new byte[] { 1 }, null, default));

        Assert.Equal(FleetErrorKind.Resharing, error.Kind);
        Assert.Contains("since this client read its shape", error.Message);
        var missing = await Assert.ThrowsAsync<FleetClientException>(() => shared.Fleet.Client().RecoverAsync("split-for-another-threshold", default));
        Assert.Equal(FleetErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task Many_stores_and_recovers_in_flight_from_one_client_leave_in_batches_and_every_secret_comes_back()
    {
        var client = shared.Fleet.Client("frank");
        var secrets = Enumerable.Range(0, 200).ToDictionary(i => $"batched-{i}", _ => RandomNumberGenerator.GetBytes(24));

        await Task.WhenAll(secrets.Select(s => client.StoreAsync(s.Key, s.Value, null, default)));
        var recovered = await Task.WhenAll(secrets.Select(s => client.RecoverAsync(s.Key, default)));

        Assert.Equal(secrets.Values, recovered.Select(r => r.Secret));
        Assert.All(recovered, r => Assert.Empty(r.BadXs));
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(shared.Fleet[1].Http, "/metrics"));
        Assert.Contains("secretfleet_rpc_server_calls_total{code=\"OK\",method=\"secretfleet.v1.Shares/PutMany\"}", metrics);
        Assert.Contains("secretfleet_rpc_server_calls_total{code=\"OK\",method=\"secretfleet.v1.Shares/GetMany\"}", metrics);
    }

    [Fact]
    public async Task A_batch_gives_no_more_than_single_calls_another_clients_share_stays_hidden_and_a_node_certificate_is_refused()
    {
        await shared.Fleet.Client("alice").StoreAsync("alices-batched", new byte[] { 3, 1, 4 }, new StoreOptions(Overwrite: true), default);
        var node = shared.Fleet.View.Members[2];
        var timeout = TimeSpan.FromSeconds(10);
        using var bobTls = shared.Fleet.Issue(FleetRole.Client, "bob").ToTlsMaterial();
        using var bob = new GrpcTestChannel(new RpcChannelOptions { Address = node.Endpoint, Tls = bobTls, TlsServerName = "localhost" });
        var gets = new GetManyRequest { Gets = { new GetShareRequest { Name = "alices-batched" }, new GetShareRequest { Name = "nobody-batched" } } };

        var read = await bob.UnaryAsync(SharesService, "GetMany", gets, GetManyResponse.Parser, timeout, default);
        var overwrite = await bob.UnaryAsync(SharesService, "PutMany", new PutManyRequest
        {
            Puts =
            {
                new PutShareRequest
                {
                    Name = "alices-batched", Version = 1, X = node.X, Threshold = (uint)shared.Fleet.Threshold,
                    Share = ByteString.CopyFrom(new byte[48]), Commitment = ByteString.CopyFrom(new byte[32]),
                },
            },
        }, PutManyResponse.Parser, timeout, default);

        // Exactly as for a name nobody stored; and a write of a taken name is refused as a Put's is.
        Assert.Equal(StatusCode.NotFound, (StatusCode)read.Outcomes[0].Failure.Code);
        Assert.Equal(read.Outcomes[1].Failure.Code, read.Outcomes[0].Failure.Code);
        Assert.Equal(read.Outcomes[1].Failure.Message.Replace("nobody-batched", "alices-batched", StringComparison.Ordinal), read.Outcomes[0].Failure.Message);
        Assert.Equal(StatusCode.PermissionDenied, (StatusCode)overwrite.Outcomes[0].Failure.Code);
        Assert.Equal([3, 1, 4], (await shared.Fleet.Client("alice").RecoverAsync("alices-batched", default)).Secret);

        using var nodeTls = shared.Fleet.Issue(FleetRole.Node, "batch-peer").ToTlsMaterial();
        using var peer = new GrpcTestChannel(new RpcChannelOptions { Address = node.Endpoint, Tls = nodeTls, TlsServerName = "localhost" });
        var refused = await Assert.ThrowsAsync<RpcException>(() => peer.UnaryAsync(SharesService, "GetMany", gets, GetManyResponse.Parser, timeout, default));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task Overwrite_replaces_the_secret()
    {
        var client = shared.Fleet.Client();
        await client.StoreAsync("rotating", new byte[] { 1 }, new StoreOptions(Overwrite: true), default);
        await client.StoreAsync("rotating", new byte[] { 2 }, new StoreOptions(Overwrite: true), default);
        Assert.Equal([2], (await client.RecoverAsync("rotating", default)).Secret);
    }

    [Fact]
    public async Task Another_client_identity_cannot_tell_by_reading_or_deleting_that_a_name_exists()
    {
        await shared.Fleet.Client("alice").StoreAsync("alices-secret", new byte[] { 7, 7, 7 }, new StoreOptions(Overwrite: true), default);
        var bob = shared.Fleet.Client("bob");

        var read = await Assert.ThrowsAsync<FleetClientException>(() => bob.RecoverAsync("alices-secret", default));
        var delete = await Assert.ThrowsAsync<FleetClientException>(() => bob.DeleteAsync("alices-secret", default));
        var readMissing = await Assert.ThrowsAsync<FleetClientException>(() => bob.RecoverAsync("nobodys-secret", default));
        var deleteMissing = await Assert.ThrowsAsync<FleetClientException>(() => bob.DeleteAsync("nobodys-secret", default));
        var write = await Assert.ThrowsAsync<FleetClientException>(() => bob.StoreAsync("alices-secret", new byte[] { 0 }, new StoreOptions(Overwrite: true), default));

        Assert.All(new[] { read, delete }, e => Assert.Equal(FleetErrorKind.NotFound, e.Kind));
        Assert.Equal(readMissing.Message.Replace("nobodys-secret", "alices-secret", StringComparison.Ordinal), read.Message);
        Assert.Equal(deleteMissing.Message.Replace("nobodys-secret", "alices-secret", StringComparison.Ordinal), delete.Message);
        // Names are global: a write cannot help learning that the name is taken (docs/protocol.md).
        Assert.Equal(FleetErrorKind.PermissionDenied, write.Kind);
        Assert.Equal([7, 7, 7], (await shared.Fleet.Client("alice").RecoverAsync("alices-secret", default)).Secret);
    }

    [Fact]
    public async Task A_node_answers_get_and_delete_of_another_clients_secret_exactly_as_for_a_missing_one()
    {
        var stored = await shared.Fleet.Client("alice").StoreAsync("alices-own", new byte[] { 9 }, new StoreOptions(Overwrite: true), default);
        var node = shared.Fleet.View.Members[1];
        using var tls = shared.Fleet.Issue(FleetRole.Client, "bob").ToTlsMaterial();
        using var channel = new GrpcTestChannel(new RpcChannelOptions { Address = node.Endpoint, Tls = tls, TlsServerName = "localhost" });

        foreach (var version in new[] { 0UL, stored.Version, stored.Version + 1 })
        {
            var taken = await StatusOfAsync(channel, "alices-own", version);
            var free = await StatusOfAsync(channel, "nobody-owns", version);
            Assert.Equal(free.Get with { Detail = free.Get.Detail.Replace("nobody-owns", "alices-own", StringComparison.Ordinal) }, taken.Get);
            Assert.Equal(free.Delete with { Detail = free.Delete.Detail.Replace("nobody-owns", "alices-own", StringComparison.Ordinal) }, taken.Delete);
            Assert.Equal(StatusCode.NotFound, taken.Get.Code);
            Assert.Equal(StatusCode.NotFound, taken.Delete.Code);
        }
        Assert.Equal([9], (await shared.Fleet.Client("alice").RecoverAsync("alices-own", default)).Secret);
    }

    private static async Task<(Status Get, Status Delete)> StatusOfAsync(GrpcTestChannel channel, string name, ulong version)
    {
        var options = TimeSpan.FromSeconds(10);
        var get = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(SharesService, "Get", new GetShareRequest { Name = name, Version = version }, GetShareResponse.Parser, options, default));
        var delete = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(SharesService, "Delete", new DeleteShareRequest { Name = name, Version = version }, DeleteShareResponse.Parser, options, default));
        return (new Status(get.StatusCode, get.Status.Detail), new Status(delete.StatusCode, delete.Status.Detail));
    }

    private sealed record Status(StatusCode Code, string Detail);

    [Fact]
    public async Task An_unknown_name_is_not_found()
    {
        var error = await Assert.ThrowsAsync<FleetClientException>(() => shared.Fleet.Client().RecoverAsync("never-stored", default));
        Assert.Equal(FleetErrorKind.NotFound, error.Kind);
    }

    [Theory]
    [InlineData("name\n")]
    [InlineData("name\r\n")]
    [InlineData("na\u0000me")]
    [InlineData("name\u001b")]
    public async Task The_node_refuses_a_name_with_a_trailing_newline_or_a_control_character_on_every_call(string name)
    {
        var node = shared.Fleet.View.Members[0];
        using var tls = shared.Fleet.Issue(FleetRole.Client, "alice").ToTlsMaterial();
        using var channel = new GrpcTestChannel(new RpcChannelOptions { Address = node.Endpoint, Tls = tls, TlsServerName = "localhost" });
        var options = TimeSpan.FromSeconds(10);
        var put = new PutShareRequest
        {
            Name = name, Version = 1, X = node.X, Threshold = (uint)shared.Fleet.Threshold,
            Share = ByteString.CopyFrom(new byte[48]), Commitment = ByteString.CopyFrom(new byte[32]),
        };

        var errors = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(SharesService, "Put", put, PutShareResponse.Parser, options, default)),
            await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(SharesService, "Get", new GetShareRequest { Name = name }, GetShareResponse.Parser, options, default)),
            await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(SharesService, "Delete", new DeleteShareRequest { Name = name }, DeleteShareResponse.Parser, options, default)),
        };

        Assert.All(errors, e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
    }

    [Fact]
    public async Task List_and_delete_work_for_the_owner()
    {
        var client = shared.Fleet.Client("carol");
        await client.StoreAsync("carol-a", new byte[] { 1 }, null, default);
        await client.StoreAsync("carol-b", new byte[] { 2 }, null, default);

        var listed = await client.ListAsync(default);
        Assert.Equal(["carol-a", "carol-b"], listed.Select(s => s.Name));
        Assert.All(listed, s => Assert.Equal(5, s.Nodes));

        Assert.Equal(5, await client.DeleteAsync("carol-a", default));
        Assert.Equal(["carol-b"], (await client.ListAsync(default)).Select(s => s.Name));
    }

    [Fact]
    public async Task Status_shows_every_node_healthy_at_the_same_epoch()
    {
        var status = await shared.Fleet.Client().StatusAsync(default);
        Assert.Equal(5, status.Count);
        Assert.All(status, node =>
        {
            Assert.True(node.Healthy, node.Error);
            Assert.True(node.Member);
        });
        Assert.Single(status.Select(s => s.Epoch).Distinct());
    }

    [Fact]
    public async Task Certificates_from_a_foreign_CA_expired_ones_and_none_at_all_cannot_connect()
    {
        var node = shared.Fleet.View.Members[0];
        using var foreignCa = LocalCertificateAuthority.Create(Support.ProcessFleet.TrustDomain, TimeSpan.FromDays(1));
        var foreign = foreignCa.Issue(new LeafCertificateRequest(new FleetIdentity(Support.ProcessFleet.TrustDomain, FleetRole.Client, "mallory"), TimeSpan.FromDays(1)) { IncludeLoopback = true });
        var expired = shared.Fleet.Issue(FleetRole.Client, "late", TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-2));
        var valid = shared.Fleet.Issue(FleetRole.Client, "alice");

        Assert.False(await CanListAsync(node.Endpoint, foreign));
        Assert.False(await CanListAsync(node.Endpoint, expired));
        Assert.False(await CanListAsync(node.Endpoint, null));
        Assert.True(await CanListAsync(node.Endpoint, valid));
        Assert.True((await shared.Fleet.Client().StatusAsync(default)).All(s => s.Healthy));
    }

    private static async Task<bool> CanListAsync(Uri endpoint, IssuedCertificate? certificate) =>
        await RawGrpc.CallAsync(endpoint, "/secretfleet.v1.Shares/List", certificate, []) == "0";
}
