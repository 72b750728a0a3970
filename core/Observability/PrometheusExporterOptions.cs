namespace SecretFleet.Core.Observability;

/// <summary>
/// What a <see cref="PrometheusExporter"/> listens to and how it aggregates.
/// </summary>
public sealed record PrometheusExporterOptions
{
    /// <summary>Histogram bounds (seconds) used when neither the options nor the instrument's advice name any.</summary>
    public static IReadOnlyList<double> DefaultSecondsBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Meters whose name starts with one of these prefixes (ordinal) are exported.</summary>
    public IReadOnlyList<string> MeterPrefixes { get; init; } = ["SecretFleet."];

    /// <summary>
    /// Histogram upper bounds per instrument, keyed by the instrument name as created
    /// (<c>secretfleet.refresh.duration</c>) or by the exported name
    /// (<c>secretfleet_refresh_duration_seconds</c>). Bounds must be finite and strictly increasing;
    /// the <c>+Inf</c> bucket is implied.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> HistogramBuckets { get; init; } =
        new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);

    /// <summary>Bounds for histograms with neither an override here nor advice on the instrument.</summary>
    public IReadOnlyList<double> DefaultHistogramBuckets { get; init; } = DefaultSecondsBuckets;

    /// <summary>
    /// Most label sets kept per metric. Measurements that would create more are dropped and
    /// counted in <c>secretfleet_exporter_dropped_measurements_total</c>, so a label bug
    /// (an id used as a label) cannot grow memory without bound.
    /// </summary>
    public int MaxSeriesPerMetric { get; init; } = 1000;
}
