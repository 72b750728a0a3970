using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// A compromised node, test-only: a gRPC server on loopback holding a genuine node certificate of
/// the fleet's CA with the identity of the ordinal it stands in for (clients pin that identity, so
/// nothing else would be dialled as that node). It answers <c>secretfleet.v1.Shares/Get</c> by
/// asking the real nodes, as the same client identity, for their honest answers and handing them
/// to a <see cref="Lie"/>. Everything else is UNIMPLEMENTED.
/// </summary>
internal sealed class LyingNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<byte, GrpcChannel> _honest;
    private readonly List<IDisposable> _owned;
    private int _gets;

    private LyingNode(byte x, WebApplication app, Dictionary<byte, GrpcChannel> honest, List<IDisposable> owned)
    {
        X = x;
        _app = app;
        _honest = honest;
        _owned = owned;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Endpoint = new Uri($"https://127.0.0.1:{new Uri(address).Port}");
    }

    /// <summary>What the liar answers: <paramref name="honest"/> fetches any real node's answer to the same request.</summary>
    public delegate Task<GetShareResponse> Lie(GetShareRequest request, Func<byte, Task<GetShareResponse>> honest);

    public byte X { get; }

    public Uri Endpoint { get; }

    /// <summary>How many Gets it answered: proof that a client asked it.</summary>
    public int Gets => Volatile.Read(ref _gets);

    /// <summary>Node x as clients would reach it if an attacker owned node x's identity.</summary>
    public FleetMember Member => new(X, Endpoint, "localhost", ProcessFleet.NodeIdentity(X));

    /// <summary>Starts the impostor of node <paramref name="x"/>; it reads the real nodes as <paramref name="client"/>.</summary>
    public static async Task<LyingNode> StartAsync(ProcessFleet fleet, byte x, string client, Lie lie)
    {
        var owned = new List<IDisposable>();
        var serverTls = fleet.Issue(FleetRole.Node, ProcessFleet.NodeIdentity(x).Name).ToTlsMaterial();
        var clientTls = fleet.Issue(FleetRole.Client, client).ToTlsMaterial();
        owned.Add(serverTls);
        owned.Add(clientTls);
        var honest = fleet.View.Members.ToDictionary(m => m.X, m => FleetChannel.Create(new RpcChannelOptions
        {
            Address = m.Endpoint, Tls = clientTls, TlsServerName = m.TlsName, ExpectedServerRole = FleetRole.Node, ExpectedServerIdentity = m.Identity,
        }));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFleetGrpc(serverTls);
        LyingNode? node = null;
        builder.Services.AddSingleton(new LyingShares(request =>
        {
            Interlocked.Increment(ref node!._gets);
            return lie(request, from => new Shares.SharesClient(honest[from]).GetAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        }));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseFleetTls(serverTls)));
        var app = builder.Build();
        app.UseFleetGrpc();
        app.MapGrpcService<LyingShares>();
        await app.StartAsync();
        node = new LyingNode(x, app, honest, owned);
        return node;
    }

    /// <summary>Shares/Get answered by the lie; every other method UNIMPLEMENTED (the generated base's default).</summary>
    private sealed class LyingShares(Func<GetShareRequest, Task<GetShareResponse>> get) : Shares.SharesBase
    {
        public override Task<GetShareResponse> Get(GetShareRequest request, ServerCallContext context) => get(request);
    }

    /// <summary>
    /// The fleet as a client sees it with this liar in place of its node, and the nodes in
    /// <paramref name="unreachable"/> at a loopback port nobody listens on.
    /// </summary>
    public IReadOnlyList<FleetMember> Members(ProcessFleet fleet, params byte[] unreachable) =>
        [.. fleet.View.Members.Select(m => m.X == X ? Member : unreachable.Contains(m.X) ? m with { Endpoint = ClosedPort() } : m)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var channel in _honest.Values)
        {
            channel.Dispose();
        }
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    // A port the OS just handed out and nobody listens on any more: connections are refused.
    private static Uri ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"https://127.0.0.1:{port}");
    }
}
