using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SecretFleet.Operator.Observability;

/// <summary>
/// The operator's own instruments on meter <c>SecretFleet.Operator</c> (the work queue has its own,
/// <c>secretfleet_workqueue_*</c>: depth, adds, retries and reconcile duration by result). Labels are
/// bounded: kinds and outcomes, never cluster names or anything secret.
/// </summary>
internal sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "SecretFleet.Operator";

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Histogram<double> _operationDuration;
    private readonly Counter<long> _events;
    private int _leader;
    private int _clusters;

    /// <param name="meterFactory">The host's (its /metrics exports that factory's meters alone); tests give each
    /// instance a factory of its own, so that parallel tests' gauges (which carry no labels) do not overwrite each other.</param>
    public OperatorMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _operations = _meter.CreateCounter<long>(
            "operations", description: "Refreshes, share recoveries and resharings the operator ran, by kind and outcome (committed, aborted, refused, failed).");
        _operationDuration = _meter.CreateHistogram<double>(
            "operation_duration_seconds", "s", "Duration of refreshes, share recoveries and resharings that ran to a decision, by kind and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800] });
        _events = _meter.CreateCounter<long>("events", description: "Kubernetes Events recorded, by type (Normal, Warning).");
        _meter.CreateObservableGauge("leader", () => Volatile.Read(ref _leader), description: "1 while this replica holds the leader lease (or runs without leader election), else 0.");
        _meter.CreateObservableGauge("clusters", () => Volatile.Read(ref _clusters), description: "SecretClusters this operator currently watches.");
    }

    /// <summary>An operation ended: outcome is committed, aborted, refused or failed.</summary>
    public void Operation(string kind, string outcome, TimeSpan? duration)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", outcome } };
        _operations.Add(1, tags);
        if (duration is { } took)
        {
            _operationDuration.Record(took.TotalSeconds, tags);
        }
    }

    public void Event(string type) => _events.Add(1, new KeyValuePair<string, object?>("type", type));

    public void SetLeader(bool isLeader) => Volatile.Write(ref _leader, isLeader ? 1 : 0);

    public void SetClusters(int count) => Volatile.Write(ref _clusters, count);

    public void Dispose() => _meter.Dispose();
}
