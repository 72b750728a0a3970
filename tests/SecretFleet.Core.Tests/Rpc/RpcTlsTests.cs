using Grpc.Core;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Identity;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>Who can connect at all: mutual TLS against the cluster CA only.</summary>
[Trait("Category", "Integration")]
public sealed class RpcTlsTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private RpcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await RpcTestServer.StartAsync(_pki.Node());

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task Client_certificate_from_a_foreign_CA_cannot_connect()
    {
        using var foreign = _server.Channel(_pki.ForeignClient());

        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(foreign, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Empty(_server.Calls);
        await AssertStillServesAsync();
        Assert.Contains(_server.Logs.Entries, e => e.Event.Id == 1100 && e.Message.Contains("mallory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Expired_client_certificate_cannot_connect()
    {
        using var expired = _server.Channel(_pki.ExpiredClient());

        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(expired, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Empty(_server.Calls);
        await AssertStillServesAsync();
        Assert.Contains(_server.Logs.Entries, e => e.Event.Id == 1100 && e.Message.Contains("CN=late", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_that_outlives_its_client_certificate_loses_its_identity()
    {
        var time = new ManualTimeProvider();
        await using var clocked = await RpcTestServer.StartAsync(_pki.Node(), time: time);
        using var alice = _pki.Client();
        using var channel = clocked.Channel(alice);
        Assert.Equal($"spiffe://{TestPki.TrustDomain}/client/alice", (await RpcCallTests.SayAsync(channel, new EchoRequest())).Peer);

        // Kestrel judged the certificate once, at the handshake; the connection stays open.
        time.Advance(alice.Certificate.NotAfter.ToUniversalTime() - time.GetUtcNow() + TimeSpan.FromMinutes(1));

        Assert.Equal(string.Empty, (await RpcCallTests.SayAsync(channel, new EchoRequest())).Peer);
        Assert.Contains(clocked.Logs.Entries, e => e.Message.Contains("expired while its connection was open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_without_a_certificate_cannot_connect()
    {
        using var anonymous = new RawGrpcClient(_server.Address, material: null);

        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.PostAsync("/secretfleet.test.v1.Echo/Say", RawGrpcClient.Frame([])));

        Assert.Empty(_server.Calls);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Client_certificate_without_clientAuth_usage_cannot_connect()
    {
        using var serverOnly = _server.Channel(_pki.ServerOnlyCertificate());

        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(serverOnly, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains(_server.Logs.Entries, e => e.Event.Id == 1100 && e.Message.Contains("CN=server-only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_certificate_without_an_extended_key_usage_extension_may_connect()
    {
        // RFC 5280: no EKU extension means no restriction; cert-manager omits it unless asked.
        using var channel = _server.Channel(_pki.NoUsageClient());

        await RpcCallTests.AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Server_with_a_client_certificate_is_refused_by_the_client()
    {
        await using var impostor = await RpcTestServer.StartAsync(_pki.ClientWithLoopbackNames("impostor"));
        using var channel = impostor.Channel(_pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(channel, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Empty(impostor.Calls);
    }

    [Fact]
    public async Task Client_from_another_trust_domain_cannot_connect()
    {
        using var otherDomain = LocalCertificateAuthority.Create("other.test", TimeSpan.FromDays(1));
        var issued = otherDomain.Issue(new LeafCertificateRequest(new FleetIdentity("other.test", FleetRole.Client, "eve"), TimeSpan.FromDays(1)));
        using var material = issued.ToTlsMaterial();
        // Same CA files as ours would be the only way in; here the CA is shared but the domain differs.
        using var sameCaOtherDomain = TlsMaterial.CreateUnchecked(material.Certificate, _pki.Authority.Certificate, material.Identity);
        using var channel = _server.Channel(sameCaOtherDomain);

        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(channel, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Server_name_differing_from_the_dialed_address_is_verified()
    {
        using var right = _server.Channel(_pki.Client(), o => o.TlsServerName = TestPki.NodeDnsName);
        using var wrong = _server.Channel(_pki.Client(), o => o.TlsServerName = "node-9.elsewhere.svc");

        var reply = await RpcCallTests.SayAsync(right, new EchoRequest { Text = "by name" });
        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(wrong, new EchoRequest()));

        Assert.Equal("by name", reply.Text);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Client_expecting_a_node_refuses_a_server_of_another_role()
    {
        using var asNode = _server.Channel(_pki.Client(), o => o.ExpectedServerRole = FleetRole.Node);
        using var asOperator = _server.Channel(_pki.Client(), o => o.ExpectedServerRole = FleetRole.Operator);

        await RpcCallTests.AssertStillServesAsync(asNode);
        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(asOperator, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Closed_port_gives_UNAVAILABLE()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        using var channel = FleetChannel.Create(new RpcChannelOptions { Address = new Uri($"https://127.0.0.1:{port}"), Tls = _pki.Client() });

        var error = await Assert.ThrowsAsync<RpcException>(() => RpcCallTests.SayAsync(channel, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        _server = await RpcTestServer.StartAsync(_pki.Node()); // for DisposeAsync
    }

    private async Task AssertStillServesAsync()
    {
        using var channel = _server.Channel(_pki.Client());
        await RpcCallTests.AssertStillServesAsync(channel);
    }
}
