using System.Diagnostics.Metrics;
using System.Text;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Aggregates <see cref="System.Diagnostics.Metrics"/> instruments of selected meters and renders
/// them in the Prometheus text exposition format 0.0.4 (what prometheus-net would do, which
/// does not restore here). Counters, up-down counters, gauges and histograms are aggregated as
/// measurements arrive; observable instruments are read at scrape time.
/// </summary>
/// <remarks>
/// Recording is lock-free and allocation-free once a series exists. Each metric keeps at most
/// <see cref="PrometheusExporterOptions.MaxSeriesPerMetric"/> series; beyond that measurements
/// are dropped and counted. Instruments that export the same name are merged when they are of the
/// same kind, otherwise the later one is ignored and counted as an error.
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The Content-Type of <see cref="Scrape"/>'s output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const string DroppedName = "secretfleet_exporter_dropped_measurements_total";
    private const string ErrorsName = "secretfleet_exporter_errors_total";

    private readonly PrometheusExporterOptions options;
    private readonly Dictionary<string, double[]> bucketOverrides = new(StringComparer.Ordinal);
    private readonly double[] defaultBuckets;
    private readonly MeterListener listener;
    private readonly Lock familiesLock = new();
    private readonly Dictionary<string, MetricAggregator> families = new(StringComparer.Ordinal);
    private readonly Lock scrapeLock = new();
    private long droppedMeasurements;
    private long callbackErrors;
    private long nameConflicts;

    /// <summary>Exports meters whose name starts with <c>SecretFleet.</c>, with default settings.</summary>
    public PrometheusExporter()
        : this(new PrometheusExporterOptions())
    {
    }

    /// <summary>Starts listening at once; instruments created earlier are picked up too.</summary>
    /// <exception cref="ArgumentException">Histogram buckets that are not finite and strictly increasing, or a non-positive series limit.</exception>
    public PrometheusExporter(PrometheusExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSeriesPerMetric, 1, nameof(options.MaxSeriesPerMetric));
        this.options = options;
        defaultBuckets = HistogramBounds.Validate(options.DefaultHistogramBuckets, "the default histogram");
        foreach (var (name, bounds) in options.HistogramBuckets)
        {
            bucketOverrides[name] = HistogramBounds.Validate(bounds, $"histogram '{name}'");
        }

        listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((MetricAggregator)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((MetricAggregator)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((MetricAggregator)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((MetricAggregator)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((MetricAggregator)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((MetricAggregator)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((MetricAggregator)state!).Record((double)m, tags));
        listener.Start();
    }

    /// <summary>Collects observable instruments and renders every family, sorted by name.</summary>
    public string Scrape()
    {
        var output = new StringBuilder(4096);
        lock (scrapeLock)
        {
            MetricAggregator[] snapshot;
            lock (familiesLock)
            {
                snapshot = [.. families.Values];
            }

            foreach (var family in snapshot)
            {
                if (family.ClearedBeforeCollect)
                {
                    family.Clear();
                }
            }

            try
            {
                listener.RecordObservableInstruments();
            }
            catch (AggregateException e)
            {
                // One broken callback must not take /metrics down; the others have reported already.
                Interlocked.Add(ref callbackErrors, e.InnerExceptions.Count);
            }

            var all = new List<MetricAggregator>(snapshot.Length + 2);
            all.AddRange(snapshot);
            all.AddRange(SelfMetrics());
            all.Sort((a, b) => string.CompareOrdinal(a.Identity.Name, b.Identity.Name));
            foreach (var family in all)
            {
                if (!family.IsEmpty)
                {
                    family.Render(output);
                }
            }
        }

        return output.ToString();
    }

    /// <summary>Writes <see cref="Scrape"/>'s output as UTF-8 (no byte-order mark).</summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = Encoding.UTF8.GetBytes(Scrape());
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener source)
    {
        if (!Selected(instrument.Meter.Name) || InstrumentIdentity.KindOf(instrument) is not { } kind)
        {
            return;
        }

        var identity = InstrumentIdentity.Of(instrument, kind);
        MetricAggregator aggregator;
        lock (familiesLock)
        {
            if (families.TryGetValue(identity.Name, out var existing))
            {
                if (existing.Identity.Kind != kind)
                {
                    Interlocked.Increment(ref nameConflicts);
                    return;
                }

                aggregator = existing;
            }
            else
            {
                aggregator = kind == InstrumentKind.Histogram
                    ? new HistogramAggregator(identity, BucketsFor(instrument, identity.Name), options.MaxSeriesPerMetric, CountDrop)
                    : new ScalarAggregator(identity, options.MaxSeriesPerMetric, CountDrop);
                families.Add(identity.Name, aggregator);
            }
        }

        source.EnableMeasurementEvents(instrument, aggregator);
    }

    private bool Selected(string meterName)
    {
        foreach (var prefix in options.MeterPrefixes)
        {
            if (meterName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private double[] BucketsFor(Instrument instrument, string exportedName) =>
        bucketOverrides.TryGetValue(instrument.Name, out var bounds) || bucketOverrides.TryGetValue(exportedName, out bounds)
            ? bounds
            : HistogramBounds.FromAdvice(instrument) ?? defaultBuckets;

    private void CountDrop() => Interlocked.Increment(ref droppedMeasurements);

    private IEnumerable<MetricAggregator> SelfMetrics()
    {
        var dropped = new ScalarAggregator(
            SelfIdentity(DroppedName, "Measurements dropped because their metric reached the series limit."), 1, static () => { });
        dropped.Record(Interlocked.Read(ref droppedMeasurements), []);
        yield return dropped;

        var errors = new ScalarAggregator(
            SelfIdentity(ErrorsName, "Observable instrument callbacks that threw, and instruments ignored because another kind exports the same name."),
            2,
            static () => { });
        errors.Record(Interlocked.Read(ref callbackErrors), [new("kind", "callback")]);
        errors.Record(Interlocked.Read(ref nameConflicts), [new("kind", "name_conflict")]);
        yield return errors;
    }

    private static MetricIdentity SelfIdentity(string name, string help) =>
        new(name, "counter", help, LabelSet.Empty, InstrumentKind.ObservableCounter);
}
