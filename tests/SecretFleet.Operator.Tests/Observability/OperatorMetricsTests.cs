using System.Diagnostics;
using SecretFleet.Core.Observability;
using SecretFleet.Operator.Observability;

namespace SecretFleet.Operator.Tests.Observability;

[Trait("Category", "Unit")]
public sealed class OperatorMetricsTests
{
    [Fact]
    public async Task Operator_metrics_are_exported_with_bounded_labels_and_pass_promtool()
    {
        var meterName = $"{OperatorMetrics.MeterName}.Test.{Guid.NewGuid():N}";
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions { MeterPrefixes = [meterName] });
        using var metrics = new OperatorMetrics(meterName);
        metrics.SetLeader(true);
        metrics.SetClusters(2);
        metrics.Operation("refresh", "committed", TimeSpan.FromSeconds(3));
        metrics.Operation("recovery", "refused", null);
        metrics.Event("Warning");

        var text = exporter.Scrape();

        Assert.Contains("secretfleet_operator_leader 1", text);
        Assert.Contains("secretfleet_operator_clusters 2", text);
        Assert.Contains("secretfleet_operator_operations_total{kind=\"refresh\",outcome=\"committed\"}", text);
        Assert.Contains("secretfleet_operator_operation_duration_seconds_bucket{kind=\"refresh\",outcome=\"committed\",le=\"5\"}", text);
        Assert.Contains("secretfleet_operator_events_total{type=\"Warning\"}", text);
        Assert.Equal(0, await PromtoolAsync(text));
    }

    private static async Task<int> PromtoolAsync(string metrics)
    {
        var start = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool is not installed (apt-get install prometheus).");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool: {await output}{await errors}");
        return process.ExitCode;
    }
}
