using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Observability;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Observability;
using SecretFleet.Node.Security;
using SecretFleet.Node.Services;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// A running node: the mTLS gRPC server and, apart from it, a plain HTTP server for probes and
/// metrics (two servers, so no gRPC route is ever reachable without a client certificate).
/// </summary>
internal sealed partial class NodeHost : IAsyncDisposable
{
    private readonly WebApplication _grpc;
    private readonly WebApplication _http;
    private readonly ShareStore _store;
    private readonly EpochParticipant _participant;
    private readonly StoreStatistics _statistics;
    private readonly RpcPeerTransport _peers;
    private readonly HostMetrics _hostMetrics;
    private readonly NodeMetrics _metrics;
    private readonly TlsMaterial _tls;
    private readonly HealthServiceImpl _health;
    private volatile bool _stopping;

    // What grpc.health.v1.Health reports: the server as a whole ("") and the client-facing service.
    private static readonly string[] HealthReported = ["", Shares.Descriptor.FullName];

    private NodeHost(WebApplication grpc, WebApplication http, ShareStore store, EpochParticipant participant, StoreStatistics statistics,
        RpcPeerTransport peers, HostMetrics hostMetrics, NodeMetrics metrics, TlsMaterial tls, HealthServiceImpl health)
    {
        _grpc = grpc;
        _http = http;
        _store = store;
        _participant = participant;
        _statistics = statistics;
        _peers = peers;
        _hostMetrics = hostMetrics;
        _metrics = metrics;
        _tls = tls;
        _health = health;
    }

    public Uri GrpcAddress { get; private set; } = null!;

    public Uri HttpAddress { get; private set; } = null!;

    public ShareStore Store => _store;

    /// <summary>Starts a node. <paramref name="tamper"/> is for test builds only (a dishonest dealer); the shipped binary never passes one.</summary>
    public static async Task<NodeHost> StartAsync(NodeOptions options, ILoggerFactory loggers, CancellationToken cancellationToken, IDealerTamper? tamper = null)
    {
        var time = TimeProvider.System;
        var tls = LoadTls(options);
        var key = NodeKey.Load(options.KeyFile);
        var hostMetrics = new HostMetrics();
        var store = await ShareStore.OpenAsync(options.DataDirectory, key, options.X, time, cancellationToken).ConfigureAwait(false);
        var statistics = new StoreStatistics(store, time);
        await statistics.StartAsync(cancellationToken).ConfigureAwait(false);
        var metrics = new NodeMetrics(() => store.State.Epoch, () => statistics.Latest.Secrets, store.Database.FileBytes);
        EpochParticipant? participant = null;
        var peers = new RpcPeerTransport(tls, options.X, () => participant!, time);
        participant = new EpochParticipant(tls.Identity, new OperationStore(store), peers, tamper, metrics, loggers.CreateLogger<EpochParticipant>());
        await participant.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var authorization = new CallAuthorization(tls.Identity, options.OperatorName, store, loggers.CreateLogger<CallAuthorization>());

        var health = new HealthServiceImpl();
        var grpc = BuildGrpc(options, tls, loggers, store, participant, statistics, health, authorization);
        NodeHost? host = null;
        var http = BuildHttp(options, loggers, hostMetrics, () => host);
        host = new NodeHost(grpc, http, store, participant, statistics, peers, hostMetrics, metrics, tls, health);
        await grpc.StartAsync(cancellationToken).ConfigureAwait(false);
        await http.StartAsync(cancellationToken).ConfigureAwait(false);
        host.GrpcAddress = BoundAddress(grpc, "https");
        host.HttpAddress = BoundAddress(http, "http");
        foreach (var service in HealthReported)
        {
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
        }
        if (tamper is not null)
        {
            LogTampered(loggers.CreateLogger<NodeHost>(), tamper.GetType().Name);
        }
        return host;
    }

    private static TlsMaterial LoadTls(NodeOptions options)
    {
        try
        {
            var tls = TlsMaterial.LoadFromDirectory(options.TlsDirectory);
            return tls.Identity.Role == FleetRole.Node
                ? tls
                : throw new NodeConfigurationException($"The certificate in '{options.TlsDirectory}' is for {tls.Identity}; a node needs a role-node certificate.");
        }
        catch (TlsMaterialException e)
        {
            throw new NodeConfigurationException(e.Message);
        }
    }

    private static WebApplication BuildGrpc(NodeOptions options, TlsMaterial tls, ILoggerFactory loggers, ShareStore store, EpochParticipant participant, StoreStatistics statistics, HealthServiceImpl health,
        CallAuthorization authorization)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddFleetGrpc(tls, grpc =>
        {
            // A Put carries one share; Verify carries the pairs a dealer missed (bounded by the
            // snapshot reconciliation); Deal answers carry a batch of sub-shares.
            grpc.MaxReceiveMessageSize = 8 * 1024 * 1024;
            grpc.MaxSendMessageSize = 64 * 1024 * 1024;
            grpc.Interceptors.Add<AuthorizationInterceptor>();
        });
        builder.Services.AddSingleton(authorization);
        builder.Services.AddSingleton<AuthorizationInterceptor>();
        builder.Services.AddSingleton(health);
        builder.Services.AddSingleton(new SharesService(store, options));
        builder.Services.AddSingleton(new RefreshService(participant));
        builder.Services.AddSingleton(new AdminService(store, participant, statistics, options));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.MaxStreamsPerConnection = 512;
            kestrel.Listen(options.GrpcEndpoint, listen => listen.UseFleetTls(tls, loggers.CreateLogger("SecretFleet.Node.Tls")));
        });
        var app = builder.Build();
        app.UseFleetGrpc();
        app.MapGrpcService<SharesService>();
        app.MapGrpcService<RefreshService>();
        app.MapGrpcService<AdminService>();
        app.MapFleetGrpcStandardServices();
        return app;
    }

    private static WebApplication BuildHttp(NodeOptions options, ILoggerFactory loggers, HostMetrics hostMetrics, Func<NodeHost?> host)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.HttpEndpoint, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => host() is { } node && !node._stopping
            ? Results.Json(new { ready = true, x = node._store.State.X, epoch = node._store.State.Epoch, member = node._store.State.IsMember })
            : Results.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapMetrics("/metrics", hostMetrics.Registry);
        return app;
    }

    private static Uri BoundAddress(WebApplication app, string scheme)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var host = IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && ip.Equals(IPAddress.Any) ? "127.0.0.1" : address.Host;
        return new Uri($"{scheme}://{host}:{address.Port}");
    }

    /// <summary>Graceful stop: not ready, stop accepting, let in-flight calls finish, then close the store.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        foreach (var service in HealthReported)
        {
            _health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.NotServing);
        }
        await _grpc.StopAsync(cancellationToken).ConfigureAwait(false);
        await _http.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _grpc.DisposeAsync().ConfigureAwait(false);
        await _http.DisposeAsync().ConfigureAwait(false);
        await _participant.DisposeAsync().ConfigureAwait(false);
        await _statistics.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _peers.Dispose();
        _metrics.Dispose();
        _hostMetrics.Dispose();
        _tls.Dispose();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "TEST BUILD: this node deals dishonestly on purpose ({Tamper}) and must never hold real secrets")]
    private static partial void LogTampered(ILogger logger, string tamper);
}
