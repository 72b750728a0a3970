using System.Diagnostics.Metrics;
using SecretFleet.Core.Observability;

namespace SecretFleet.Core.Tests.Observability;

[Trait("Category", "Unit")]
public sealed class PrometheusExporterInstrumentTests
{
    private enum Verb
    {
        Put,
    }

    [Fact]
    public void Observable_instruments_report_only_what_the_latest_callback_returned()
    {
        using var test = new TestMeter();
        var nodes = new List<string> { "node-0", "node-1" };
        test.Meter.CreateObservableGauge(
            "secretfleet.node.up",
            () => nodes.Select(n => new Measurement<int>(1, new KeyValuePair<string, object?>("node", n))));
        test.Meter.CreateObservableCounter("secretfleet.bytes.sent", () => 1024L, "By");
        test.Meter.CreateObservableUpDownCounter("secretfleet.queue.depth", () => 4);

        var first = test.ScrapeOwn();
        nodes.RemoveAt(0);
        var second = test.ScrapeOwn();

        Assert.Contains("secretfleet_node_up{node=\"node-0\"} 1\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("node-0", second, StringComparison.Ordinal);
        Assert.Contains("secretfleet_node_up{node=\"node-1\"} 1\n", second, StringComparison.Ordinal);
        Assert.Contains("# TYPE secretfleet_bytes_sent_bytes_total counter\nsecretfleet_bytes_sent_bytes_total 1024\n", second, StringComparison.Ordinal);
        Assert.Contains("# TYPE secretfleet_queue_depth gauge\nsecretfleet_queue_depth 4\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void A_throwing_callback_is_counted_and_the_rest_still_render()
    {
        using var test = new TestMeter();
        test.Meter.CreateObservableGauge("broken", new Func<int>(() => throw new InvalidOperationException("bug")));
        test.Meter.CreateCounter<int>("fine").Add(1);

        var lines = test.Exporter.Scrape().Split('\n');

        Assert.Contains("fine_total 1", lines);
        Assert.Contains("secretfleet_exporter_errors_total{kind=\"callback\"} 1", lines);
    }

    [Fact]
    public void Synchronous_gauge_keeps_the_last_value()
    {
        using var test = new TestMeter();
        var gauge = test.Meter.CreateGauge<double>("temperature");
        gauge.Record(21.5);
        gauge.Record(19.25);

        Assert.Contains("temperature 19.25\n", test.ScrapeOwn(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("secretfleet.refresh.duration", "s", false, "secretfleet_refresh_duration")]
    [InlineData("secretfleet.refresh.duration_seconds", "s", false, "secretfleet_refresh_duration_seconds")]
    [InlineData("secretfleet.refreshes", null, true, "secretfleet_refreshes_total")]
    [InlineData("secretfleet.refreshes_total", null, true, "secretfleet_refreshes_total")]
    [InlineData("process_cpu_seconds_total", "s", true, "process_cpu_seconds_total")]
    [InlineData("wire.sent", "By", true, "wire_sent_bytes_total")]
    [InlineData("9lives-per/cat", "{cat}", false, "_9lives_per_cat")]
    [InlineData("ns:ratio", null, false, "ns:ratio")]
    public void Instrument_names_become_valid_prometheus_names(string instrument, string? unit, bool counter, string expected)
    {
        var name = PrometheusNaming.MetricName(instrument, unit, counter);
        // A histogram or gauge in seconds gets the suffix once.
        var withUnit = unit == "s" && !counter && !expected.EndsWith("_seconds", StringComparison.Ordinal) ? expected + "_seconds" : expected;

        Assert.Equal(withUnit, name);
    }

    [Fact]
    public void Tag_keys_are_sanitized_and_values_of_any_type_rendered_invariantly()
    {
        using var test = new TestMeter();
        test.Meter.CreateCounter<int>("calls").Add(
            1,
            new("grpc.method", Verb.Put),
            new("retry", true),
            new("attempt", 3),
            new("ratio", 0.5),
            new("none", null));

        Assert.Contains(
            "calls_total{attempt=\"3\",grpc_method=\"Put\",none=\"\",ratio=\"0.5\",retry=\"true\"} 1\n",
            test.ScrapeOwn(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Meter_and_instrument_tags_are_constant_labels_and_measurements_override_them()
    {
        using var test = new TestMeter(meterTags: [new("node", "node-0"), new("zone", "a")]);
        var counter = test.Meter.CreateCounter<int>("puts", unit: null, description: null, tags: [new("zone", "b")]);
        counter.Add(1);
        counter.Add(2, new KeyValuePair<string, object?>("node", "node-9"));

        var text = test.ScrapeOwn();

        Assert.Contains("puts_total{node=\"node-0\",zone=\"b\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("puts_total{node=\"node-9\",zone=\"b\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP puts_total puts\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_name_same_kind_merges_and_other_kind_is_ignored_and_counted()
    {
        using var test = new TestMeter();
        using var second = new Meter(test.Name);
        test.Meter.CreateCounter<int>("shares.stored").Add(2);
        second.CreateCounter<long>("shares.stored").Add(3);
        second.CreateObservableGauge("shares.stored_total", () => 99);

        var lines = test.Exporter.Scrape().Split('\n');

        Assert.Contains("shares_stored_total 5", lines);
        Assert.DoesNotContain("shares_stored_total 99", lines);
        Assert.Contains("secretfleet_exporter_errors_total{kind=\"name_conflict\"} 1", lines);
    }

    [Fact]
    public void Instruments_of_other_meters_are_not_exported()
    {
        using var test = new TestMeter();
        using var other = new Meter($"Other.{Guid.NewGuid():N}");
        other.CreateCounter<int>("foreign").Add(1);

        Assert.DoesNotContain("foreign", test.Exporter.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_histogram_tag_named_le_is_left_out_rather_than_duplicated()
    {
        using var test = new TestMeter();
        test.Meter.CreateHistogram<int>("h", null, null, null, new InstrumentAdvice<int> { HistogramBucketBoundaries = [1] })
            .Record(1, new KeyValuePair<string, object?>("le", "oops"), new KeyValuePair<string, object?>("a", "x"));

        var text = test.ScrapeOwn();

        Assert.Contains("h_bucket{a=\"x\",le=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("h_count{a=\"x\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("oops", text, StringComparison.Ordinal);
    }
}
