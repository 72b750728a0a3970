using System.Diagnostics.Metrics;
using SecretFleet.Core.Observability;

namespace SecretFleet.Core.Tests.Observability;

/// <summary>A meter with a name no other test uses, and an exporter that listens to it alone.</summary>
internal sealed class TestMeter : IDisposable
{
    public TestMeter(PrometheusExporterOptions? options = null, IEnumerable<KeyValuePair<string, object?>>? meterTags = null)
    {
        Name = $"SecretFleet.Test.{Guid.NewGuid():N}";
        Meter = new Meter(new MeterOptions(Name) { Tags = meterTags });
        Exporter = new PrometheusExporter((options ?? new PrometheusExporterOptions()) with { MeterPrefixes = [Name] });
    }

    public string Name { get; }

    public Meter Meter { get; }

    public PrometheusExporter Exporter { get; }

    /// <summary>The scrape without the exporter's own families, which every scrape carries.</summary>
    public string ScrapeOwn() => string.Concat(
        Exporter.Scrape().Split('\n').Where(line => line.Length > 0 && !line.Contains("secretfleet_exporter_", StringComparison.Ordinal))
            .Select(line => line + "\n"));

    public void Dispose()
    {
        Exporter.Dispose();
        Meter.Dispose();
    }
}
