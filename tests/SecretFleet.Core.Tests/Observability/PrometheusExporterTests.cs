using System.Diagnostics.Metrics;
using SecretFleet.Core.Observability;

namespace SecretFleet.Core.Tests.Observability;

[Trait("Category", "Unit")]
public sealed class PrometheusExporterTests
{
    [Fact]
    public void Scrape_renders_known_instruments_as_exact_text()
    {
        using var test = new TestMeter();
        var requests = test.Meter.CreateCounter<long>("secretfleet.node.requests", description: "Requests served.");
        var inflight = test.Meter.CreateUpDownCounter<int>("secretfleet.node.inflight", description: "Requests in flight.");
        var latency = test.Meter.CreateHistogram(
            "secretfleet.node.latency", "s", "Request latency.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1] });
        test.Meter.CreateObservableGauge("secretfleet.node.epoch", () => 7L, description: "Current epoch.");

        requests.Add(3, new("method", "Put"), new("code", "OK"));
        requests.Add(2, new("code", "OK"), new("method", "Put"));
        requests.Add(1, new("method", "Get"), new("code", "NotFound"));
        inflight.Add(5);
        inflight.Add(-2);
        foreach (var seconds in new[] { 0.125, 0.25, 0.5, 3 })
        {
            latency.Record(seconds);
        }

        Assert.Equal(
            """
            # HELP secretfleet_exporter_dropped_measurements_total Measurements dropped because their metric reached the series limit.
            # TYPE secretfleet_exporter_dropped_measurements_total counter
            secretfleet_exporter_dropped_measurements_total 0
            # HELP secretfleet_exporter_errors_total Observable instrument callbacks that threw, and instruments ignored because another kind exports the same name.
            # TYPE secretfleet_exporter_errors_total counter
            secretfleet_exporter_errors_total{kind="callback"} 0
            secretfleet_exporter_errors_total{kind="name_conflict"} 0
            # HELP secretfleet_node_epoch Current epoch.
            # TYPE secretfleet_node_epoch gauge
            secretfleet_node_epoch 7
            # HELP secretfleet_node_inflight Requests in flight.
            # TYPE secretfleet_node_inflight gauge
            secretfleet_node_inflight 3
            # HELP secretfleet_node_latency_seconds Request latency.
            # TYPE secretfleet_node_latency_seconds histogram
            secretfleet_node_latency_seconds_bucket{le="0.25"} 2
            secretfleet_node_latency_seconds_bucket{le="1"} 3
            secretfleet_node_latency_seconds_bucket{le="+Inf"} 4
            secretfleet_node_latency_seconds_sum 3.875
            secretfleet_node_latency_seconds_count 4
            # HELP secretfleet_node_requests_total Requests served.
            # TYPE secretfleet_node_requests_total counter
            secretfleet_node_requests_total{code="NotFound",method="Get"} 1
            secretfleet_node_requests_total{code="OK",method="Put"} 5

            """.ReplaceLineEndings("\n"),
            test.Exporter.Scrape());
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        using var test = new TestMeter();
        var counter = test.Meter.CreateCounter<int>("events", description: "Help with \\ backslash\nand a second line \"quoted\".");
        counter.Add(1, new KeyValuePair<string, object?>("reason", "say \"hi\"\\now\nplease"));

        Assert.Equal(
            """
            # HELP events_total Help with \\ backslash\nand a second line "quoted".
            # TYPE events_total counter
            events_total{reason="say \"hi\"\\now\nplease"} 1

            """.ReplaceLineEndings("\n"),
            test.ScrapeOwn());
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_count_equals_the_inf_bucket()
    {
        using var test = new TestMeter(new PrometheusExporterOptions
        {
            HistogramBuckets = new Dictionary<string, IReadOnlyList<double>> { ["sizes"] = [1, 2, 4, 8] },
        });
        var sizes = test.Meter.CreateHistogram<int>("sizes");
        int[] values = [0, 1, 2, 3, 3, 5, 8, 9, 100];
        foreach (var v in values)
        {
            sizes.Record(v, new KeyValuePair<string, object?>("kind", "a"));
        }

        var lines = test.ScrapeOwn().Split('\n');
        Assert.Contains("sizes_bucket{kind=\"a\",le=\"1\"} 2", lines);
        Assert.Contains("sizes_bucket{kind=\"a\",le=\"2\"} 3", lines);
        Assert.Contains("sizes_bucket{kind=\"a\",le=\"4\"} 5", lines);
        Assert.Contains("sizes_bucket{kind=\"a\",le=\"8\"} 7", lines);
        Assert.Contains("sizes_bucket{kind=\"a\",le=\"+Inf\"} 9", lines);
        Assert.Contains("sizes_sum{kind=\"a\"} 131", lines);
        Assert.Contains("sizes_count{kind=\"a\"} 9", lines);
    }

    [Fact]
    public void Histogram_without_advice_or_override_uses_default_seconds_buckets()
    {
        using var test = new TestMeter();
        test.Meter.CreateHistogram<double>("secretfleet.refresh.duration", "s").Record(0.3);

        var buckets = test.ScrapeOwn().Split('\n').Where(l => l.StartsWith("secretfleet_refresh_duration_seconds_bucket", StringComparison.Ordinal)).ToList();
        Assert.Equal(PrometheusExporterOptions.DefaultSecondsBuckets.Count + 1, buckets.Count);
        Assert.Contains("secretfleet_refresh_duration_seconds_bucket{le=\"0.25\"} 0", buckets);
        Assert.Contains("secretfleet_refresh_duration_seconds_bucket{le=\"0.5\"} 1", buckets);
    }

    [Fact]
    public void Invalid_bucket_override_names_the_histogram()
    {
        var options = new PrometheusExporterOptions
        {
            HistogramBuckets = new Dictionary<string, IReadOnlyList<double>> { ["secretfleet.refresh.duration"] = [1, 0.5] },
        };

        var e = Assert.Throws<ArgumentException>(() => new PrometheusExporter(options));
        Assert.Contains("secretfleet.refresh.duration", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_recording_totals_are_exact()
    {
        using var test = new TestMeter();
        var counter = test.Meter.CreateCounter<long>("ops");
        var histogram = test.Meter.CreateHistogram<double>("op.duration", "s");
        const int threads = 4;
        const int perThread = 50_000;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    counter.Add(1, new KeyValuePair<string, object?>("shard", i % 3));
                    histogram.Record(0.5);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(1));

        var lines = test.ScrapeOwn().Split('\n');
        var total = lines.Where(l => l.StartsWith("ops_total{", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(threads * perThread, total);
        Assert.Contains($"op_duration_seconds_count {threads * perThread}", lines);
        Assert.Contains($"op_duration_seconds_sum {threads * perThread / 2}", lines);
    }

    [Fact]
    public void Series_beyond_the_limit_are_dropped_and_counted()
    {
        using var test = new TestMeter(new PrometheusExporterOptions { MaxSeriesPerMetric = 3 });
        var counter = test.Meter.CreateCounter<int>("lookups");
        for (var id = 0; id < 5; id++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", id));
        }

        counter.Add(1, new KeyValuePair<string, object?>("id", 0));

        var lines = test.Exporter.Scrape().Split('\n');
        Assert.Equal(3, lines.Count(l => l.StartsWith("lookups_total{", StringComparison.Ordinal)));
        Assert.Contains("lookups_total{id=\"0\"} 2", lines);
        Assert.Contains("secretfleet_exporter_dropped_measurements_total 2", lines);
    }
}
