using System.Diagnostics.Metrics;
using System.Net;

namespace SecretFleet.Core.Tests.Observability;

/// <summary>What a Prometheus server scraping a SecretFleet host sees for each kind of instrument.</summary>
[Trait("Category", "Integration")]
public sealed class HostMetricsTests
{
    [Fact]
    public async Task Counters_are_counters_named_total_with_labels_sorted_and_values_summed()
    {
        await using var host = await MetricsHost.StartAsync();
        var calls = host.Meter.CreateCounter<long>("calls", description: "Calls by method and code.");
        calls.Add(2, new("method", "Put"), new("code", "OK"));
        calls.Add(3, new("code", "OK"), new("method", "Put"));
        calls.Add(1, new("method", "Get"), new("code", "NOT_FOUND"));

        var (response, body) = await host.ScrapeAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("# HELP secretfleet_test_calls_total Calls by method and code.\n# TYPE secretfleet_test_calls_total counter\n", body, StringComparison.Ordinal);
        Assert.Contains("secretfleet_test_calls_total{code=\"OK\",method=\"Put\"} 5\n", body, StringComparison.Ordinal);
        Assert.Contains("secretfleet_test_calls_total{code=\"NOT_FOUND\",method=\"Get\"} 1\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_already_named_total_keeps_one_suffix_and_negative_adds_are_ignored()
    {
        await using var host = await MetricsHost.StartAsync();
        var sent = host.Meter.CreateCounter<long>("sent_bytes_total", "By", "Bytes sent.");
        sent.Add(100);
        sent.Add(-40);

        Assert.Contains("secretfleet_test_sent_bytes_total 100", await host.SamplesAsync());
    }

    [Fact]
    public async Task Observable_counters_report_the_callback_value_at_each_scrape()
    {
        await using var host = await MetricsHost.StartAsync();
        long total = 7;
        host.Meter.CreateObservableCounter("allocated_bytes", () => Volatile.Read(ref total), "By", "Bytes allocated.");

        Assert.Contains("secretfleet_test_allocated_bytes_total 7", await host.SamplesAsync());
        Volatile.Write(ref total, 12);
        Assert.Contains("secretfleet_test_allocated_bytes_total 12", await host.SamplesAsync());
    }

    [Fact]
    public async Task Gauges_and_up_down_counters_are_gauges_with_their_current_value()
    {
        await using var host = await MetricsHost.StartAsync();
        host.Meter.CreateObservableGauge("epoch", () => 42L, description: "Current epoch.");
        var depth = host.Meter.CreateUpDownCounter<int>("depth", description: "Keys waiting.");
        depth.Add(3, new KeyValuePair<string, object?>("queue", "main"));
        depth.Add(-1, new KeyValuePair<string, object?>("queue", "main"));

        var (_, body) = await host.ScrapeAsync();

        Assert.Contains("# TYPE secretfleet_test_epoch gauge\nsecretfleet_test_epoch 42\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE secretfleet_test_depth gauge\nsecretfleet_test_depth{queue=\"main\"} 2\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Histograms_use_the_buckets_the_instrument_advises()
    {
        await using var host = await MetricsHost.StartAsync();
        var duration = host.Meter.CreateHistogram(
            "refresh_duration_seconds", "s", "Refresh duration.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 10, 100] });
        duration.Record(5, new KeyValuePair<string, object?>("kind", "refresh"));
        duration.Record(50, new KeyValuePair<string, object?>("kind", "refresh"));

        var samples = await host.SamplesAsync();

        Assert.Contains("secretfleet_test_refresh_duration_seconds_bucket{kind=\"refresh\",le=\"1\"} 0", samples);
        Assert.Contains("secretfleet_test_refresh_duration_seconds_bucket{kind=\"refresh\",le=\"10\"} 1", samples);
        Assert.Contains("secretfleet_test_refresh_duration_seconds_bucket{kind=\"refresh\",le=\"100\"} 2", samples);
        Assert.Contains("secretfleet_test_refresh_duration_seconds_bucket{kind=\"refresh\",le=\"+Inf\"} 2", samples);
        Assert.Contains("secretfleet_test_refresh_duration_seconds_count{kind=\"refresh\"} 2", samples);
        Assert.Contains("secretfleet_test_refresh_duration_seconds_sum{kind=\"refresh\"} 55", samples);
    }

    [Fact]
    public async Task Histograms_without_advice_get_the_default_seconds_buckets()
    {
        await using var host = await MetricsHost.StartAsync();
        host.Meter.CreateHistogram<double>("wait_seconds", "s", "Wait.").Record(0.2);

        var buckets = (await host.SamplesAsync()).Where(l => l.StartsWith("secretfleet_test_wait_seconds_bucket", StringComparison.Ordinal)).ToList();

        Assert.Equal(14, buckets.Count); // 13 bounds from 0.005 s to 60 s, and +Inf
        Assert.Contains("secretfleet_test_wait_seconds_bucket{le=\"0.25\"} 1", buckets);
        Assert.Contains("secretfleet_test_wait_seconds_bucket{le=\"0.1\"} 0", buckets);
    }

    [Fact]
    public async Task Two_hosts_in_one_process_keep_their_series_apart()
    {
        await using var first = await MetricsHost.StartAsync();
        await using var second = await MetricsHost.StartAsync();
        first.Meter.CreateObservableGauge("leader", () => 1, description: "Leader.");
        second.Meter.CreateObservableGauge("leader", () => 0, description: "Leader.");
        first.Meter.CreateCounter<int>("events", description: "Events.").Add(4);

        var firstSamples = await first.SamplesAsync();
        var secondSamples = await second.SamplesAsync();

        Assert.Contains("secretfleet_test_leader 1", firstSamples);
        Assert.Contains("secretfleet_test_leader 0", secondSamples);
        Assert.Contains("secretfleet_test_events_total 4", firstSamples);
        Assert.DoesNotContain(secondSamples, l => l.StartsWith("secretfleet_test_events_total", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Meters_outside_the_secretfleet_prefix_are_not_exported()
    {
        await using var host = await MetricsHost.StartAsync();
        using var foreign = new Meter("Contoso.Billing");
        foreign.CreateCounter<int>("invoices").Add(1);

        var (_, body) = await host.ScrapeAsync();

        Assert.DoesNotContain("contoso", body, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total", body, StringComparison.Ordinal);
    }
}
