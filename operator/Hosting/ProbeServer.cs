using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using SecretFleet.Core.Observability;

namespace SecretFleet.Operator.Hosting;

/// <summary>Plain HTTP for probes and scrapes: <c>/healthz</c>, <c>/readyz</c> and/or <c>/metrics</c> on one address.</summary>
internal sealed class ProbeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProbeServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The bound address, e.g. http://127.0.0.1:8081 (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    public static async Task<ProbeServer> StartAsync(
        IPEndPoint endpoint, bool probes, HostMetrics? metrics, Func<bool> healthy, Func<bool> ready, ILoggerFactory loggers, IMeterFactory meterFactory, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // The operator host's one meter factory, so Kestrel's instruments here belong to that host too.
        builder.Services.AddSingleton(meterFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        var app = builder.Build();
        if (probes)
        {
            app.MapGet("/healthz", () => healthy() ? Results.Text("ok\n") : Results.Text("failed\n", statusCode: StatusCodes.Status500InternalServerError));
            app.MapGet("/readyz", () => ready() ? Results.Text("ok\n") : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        }

        if (metrics is not null)
        {
            app.MapMetrics("/metrics", metrics.Registry);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new OperatorConfigurationException($"Cannot listen on {endpoint}: {e.Message}", e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return new ProbeServer(app, uri);
    }

    public async ValueTask DisposeAsync()
    {
        using (var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await _app.StopAsync(quick.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
