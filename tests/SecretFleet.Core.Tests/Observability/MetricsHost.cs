using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using SecretFleet.Core.Observability;

namespace SecretFleet.Core.Tests.Observability;

/// <summary>
/// A host as the node and the operator build one: its own <see cref="HostMetrics"/> served at
/// <c>/metrics</c> by Kestrel on a free loopback port, and a meter <c>SecretFleet.Test</c> scoped to
/// this host (exported as <c>secretfleet_test_*</c>) so parallel tests do not see each other's series.
/// </summary>
internal sealed class MetricsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private MetricsHost(WebApplication app, HostMetrics metrics, Meter meter, Uri address)
    {
        _app = app;
        Metrics = metrics;
        Meter = meter;
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HostMetrics Metrics { get; }

    public Meter Meter { get; }

    public static async Task<MetricsHost> StartAsync()
    {
        var scope = new object();
        var metrics = new HostMetrics(scope);
        var meter = new Meter(new MeterOptions("SecretFleet.Test") { Scope = scope });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapMetrics("/metrics", metrics.Registry);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new MetricsHost(app, metrics, meter, new Uri(address));
    }

    /// <summary>GET /metrics as Prometheus does (text format 0.0.4).</summary>
    public async Task<(HttpResponseMessage Response, string Body)> ScrapeAsync()
    {
        var response = await _client.GetAsync(new Uri("/metrics", UriKind.Relative));
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The scrape's sample lines (no comments).</summary>
    public async Task<string[]> SamplesAsync() =>
        (await ScrapeAsync()).Body.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Meter.Dispose();
        Metrics.Dispose();
    }
}
