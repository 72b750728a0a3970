using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Observability;
using SecretFleet.Operator.Hosting;
using SecretFleet.Operator.Observability;

namespace SecretFleet.Operator.Tests.Observability;

[Trait("Category", "Unit")]
public sealed class OperatorMetricsTests
{
    [Fact]
    public async Task Operator_metrics_are_served_with_bounded_labels_and_pass_promtool()
    {
        // A meter factory of our own, as each host has: parallel tests' unlabelled gauges (leader, clusters) stay out of this scrape.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var hostMetrics = new HostMetrics(meterFactory);
        using var metrics = new OperatorMetrics(meterFactory);
        await using var server = await ProbeServer.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0), probes: false, hostMetrics, () => true, () => true, NullLoggerFactory.Instance, meterFactory, CancellationToken.None);
        metrics.SetLeader(true);
        metrics.SetClusters(2);
        metrics.Operation("refresh", "committed", TimeSpan.FromSeconds(3));
        metrics.Operation("recovery", "refused", null);
        metrics.Event("Warning");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await http.GetStringAsync(new Uri(server.Address, "/metrics"));

        Assert.Contains("# TYPE secretfleet_operator_leader gauge\nsecretfleet_operator_leader 1\n", text);
        Assert.Contains("secretfleet_operator_clusters 2\n", text);
        Assert.Contains("# TYPE secretfleet_operator_operations_total counter\n", text);
        Assert.Contains("secretfleet_operator_operations_total{kind=\"refresh\",outcome=\"committed\"} 1\n", text);
        Assert.Contains("secretfleet_operator_operations_total{kind=\"recovery\",outcome=\"refused\"} 1\n", text);
        // The instrument's advised buckets (0.1 s … 30 min) survive the export.
        Assert.Contains("secretfleet_operator_operation_duration_seconds_bucket{kind=\"refresh\",outcome=\"committed\",le=\"2.5\"} 0\n", text);
        Assert.Contains("secretfleet_operator_operation_duration_seconds_bucket{kind=\"refresh\",outcome=\"committed\",le=\"5\"} 1\n", text);
        Assert.Contains("secretfleet_operator_operation_duration_seconds_bucket{kind=\"refresh\",outcome=\"committed\",le=\"1800\"} 1\n", text);
        Assert.Contains("secretfleet_operator_events_total{type=\"Warning\"} 1\n", text);
        await PromtoolAsync(text);
    }

    private static async Task PromtoolAsync(string metrics)
    {
        var start = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool is not installed (apt-get install prometheus).");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool: {await output}{await errors}");
    }
}
