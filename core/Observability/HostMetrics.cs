using System.Diagnostics.Metrics;
using Prometheus;

namespace SecretFleet.Core.Observability;

/// <summary>
/// The Prometheus metrics of one host (a node, the operator, a local fleet): its own
/// prometheus-net <see cref="CollectorRegistry"/>, fed from <see cref="System.Diagnostics.Metrics"/>
/// instruments on meters named <c>SecretFleet.*</c>, plus prometheus-net's process and GC metrics.
/// Serve it with <c>app.MapMetrics("/metrics", metrics.Registry)</c>.
/// </summary>
/// <remarks>
/// Never the static default registry: tests run several hosts in one process, and two hosts
/// registering into one registry would collide. Gauges, up-down counters and histograms go
/// through prometheus-net's <c>MeterAdapter</c>; counters through <see cref="CounterBridge"/>,
/// because the adapter publishes counters as gauges (without <c>_total</c>, which breaks the
/// names in docs/metrics.md and <c>promtool check metrics</c>) and expires them when idle.
/// The exported name is the meter name and the instrument name joined by <c>_</c>, lowercased,
/// with every character outside <c>[a-z0-9_]</c> made <c>_</c>: meter <c>SecretFleet.Node</c> with
/// instrument <c>epoch</c> is <c>secretfleet_node_epoch</c>. Units are not appended; put them in the
/// instrument name (<c>operation_duration_seconds</c>).
/// </remarks>
public sealed class HostMetrics : IDisposable
{
    /// <summary>Meters whose name starts with this are exported.</summary>
    public const string MeterPrefix = "SecretFleet.";

    /// <summary>
    /// The longest prometheus-net lets an idle adapted series live (it refuses more). A gauge or
    /// histogram series not written for a day leaves the scrape until its next measurement;
    /// observable gauges are written at every scrape, so they stay while Prometheus scrapes.
    /// </summary>
    private static readonly TimeSpan IdleSeriesLifetime = TimeSpan.FromDays(1);

    private readonly IDisposable _adapter;
    private readonly CounterBridge _counters;

    /// <summary>Starts listening at once; instruments created earlier are picked up too.</summary>
    /// <param name="meterScope">
    /// When set, only meters created with this <see cref="Meter.Scope"/> are exported, so a test can
    /// keep its instruments apart from other tests' in the same process. Hosts pass none and export
    /// every <c>SecretFleet.*</c> meter of their process.
    /// </param>
    public HostMetrics(object? meterScope = null)
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        bool Exported(Instrument instrument) =>
            instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)
            && (meterScope is null || ReferenceEquals(instrument.Meter.Scope, meterScope));

        _counters = new CounterBridge(Registry, Exported);
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // MetricFactory defaults to the static default factory and wins over Registry: set both.
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = instrument => Exported(instrument) && !CounterBridge.Handles(instrument),
            ResolveHistogramBuckets = HistogramBuckets.For,
            MetricsExpireAfter = IdleSeriesLifetime,
        });
    }

    /// <summary>This host's registry; pass it to <c>MapMetrics</c> or collect it in tests.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The text exposition (format 0.0.4) of everything in <see cref="Registry"/>, as a scrape returns it.</summary>
    public async Task<string> ScrapeAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _adapter.Dispose();
        _counters.Dispose();
    }
}
