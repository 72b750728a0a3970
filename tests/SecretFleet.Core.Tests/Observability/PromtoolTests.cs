using System.Diagnostics;

namespace SecretFleet.Core.Tests.Observability;

/// <summary>Runs the real <c>promtool check metrics</c> (Debian package <c>prometheus</c>) on what a host serves at /metrics.</summary>
[Trait("Category", "Integration")]
public sealed class PromtoolTests
{
    [Fact]
    public async Task Promtool_accepts_a_realistic_scrape()
    {
        await using var host = await MetricsHost.StartAsync();
        var meter = host.Meter;
        var puts = meter.CreateCounter<long>("shares_puts", description: "Share writes by outcome.");
        puts.Add(3, new("outcome", "ok"), new("client", "spiffe://fleet/client/\"quoted\"\nname\\x"));
        puts.Add(1, new("outcome", "rejected"), new("client", "plain"));
        meter.CreateUpDownCounter<int>("refresh_inflight", description: "Refreshes in progress.").Add(1);
        var duration = meter.CreateHistogram<double>("refresh_duration_seconds", "s", "Duration of a refresh, by result.");
        duration.Record(0.2, new KeyValuePair<string, object?>("result", "committed"));
        duration.Record(12, new KeyValuePair<string, object?>("result", "aborted"));
        meter.CreateObservableGauge("epoch", () => 42L, description: "Current epoch.");
        meter.CreateObservableCounter("wire_sent_bytes", () => 4096L, "By", "Bytes sent to peers.");
        meter.CreateGauge<double>("ratio", description: "A ratio with a\nnewline and \\ in its help.").Record(0.75);

        var (_, text) = await host.ScrapeAsync();
        var (code, output) = await CheckMetricsAsync(text);

        Assert.True(code == 0, $"promtool check metrics exited {code}:\n{output}\n--- input ---\n{text}");
        Assert.Contains("process_cpu_seconds_total", text, StringComparison.Ordinal);
        Assert.Contains("client=\"spiffe://fleet/client/\\\"quoted\\\"\\nname\\\\x\",outcome=\"ok\"} 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_detects_a_broken_file_so_the_check_above_means_something()
    {
        var (code, _) = await CheckMetricsAsync("# TYPE x counter\nx{a=\"unterminated} 1\n");

        Assert.Equal(1, code);
    }

    private static async Task<(int Code, string Output)> CheckMetricsAsync(string text)
    {
        var promtool = File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool" : "promtool";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("promtool did not start: install it with 'apt-get install prometheus' (make deps).");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(text.AsMemory(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
