using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using SecretFleet.Core.Observability;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// The node's plain HTTP server for probes and scrapers (/healthz, /readyz, /metrics), which cannot do mTLS.
/// A Kestrel server of its own, apart from the gRPC one: nothing here maps a gRPC service, so no gRPC
/// route is reachable without a client certificate whatever a request's path or headers say.
/// </summary>
internal sealed class NodeProbeServer(
    NodeOptions options, NodeServing serving, ShareStore store, HostMetrics metrics, IMeterFactory meterFactory, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>http://IP:port, the real port when 0 was asked for; set once started.</summary>
    public Uri Address { get; private set; } = null!;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // The host's one meter factory, so Kestrel's instruments here belong to the node host too.
        builder.Services.AddSingleton(meterFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.HttpEndpoint, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
        _app = builder.Build();
        _app.MapGet("/healthz", () => Results.Text("ok\n"));
        _app.MapGet("/readyz", () => serving.IsReady
            ? Results.Json(new { ready = true, x = store.State.X, epoch = store.State.Epoch, member = store.State.IsMember })
            : Results.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable));
        _app.MapMetrics("/metrics", metrics.Registry);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        Address = BoundAddress.Of(_app.Services, "http");
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;
}
