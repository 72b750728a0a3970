using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Observability;

namespace SecretFleet.Core.Tests.Observability;

/// <summary>Serves the exporter from a real Kestrel on a free loopback port.</summary>
[Trait("Category", "Integration")]
public sealed class PrometheusEndpointTests
{
    [Fact]
    public async Task Metrics_endpoint_serves_the_scrape_with_the_prometheus_content_type()
    {
        using var test = new TestMeter();
        test.Meter.CreateCounter<int>("secretfleet.hits", description: "Hits.").Add(2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPrometheusMetrics("/metrics", test.Exporter);
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        await app.StopAsync(timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PrometheusExporter.ContentType, response.Content.Headers.ContentType?.ToString());
        Assert.Contains("# TYPE secretfleet_hits_total counter\nsecretfleet_hits_total 2\n", body, StringComparison.Ordinal);
    }
}
