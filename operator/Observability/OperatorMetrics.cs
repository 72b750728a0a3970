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

    private readonly Meter meter;
    private readonly Counter<long> operations;
    private readonly Histogram<double> operationDuration;
    private readonly Counter<long> events;
    private int leader;
    private int clusters;

    /// <param name="meterFactory">The host's (its /metrics exports that factory's meters alone); tests give each
    /// instance a factory of its own, so that parallel tests' gauges (which carry no labels) do not overwrite each other.</param>
    public OperatorMetrics(IMeterFactory? meterFactory = null)
    {
        meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        operations = meter.CreateCounter<long>(
            "operations", description: "Refreshes and share recoveries the operator ran, by kind and outcome (committed, aborted, refused, failed).");
        operationDuration = meter.CreateHistogram<double>(
            "operation_duration_seconds", "s", "Duration of refreshes and share recoveries that ran to a decision, by kind and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800] });
        events = meter.CreateCounter<long>("events", description: "Kubernetes Events recorded, by type (Normal, Warning).");
        meter.CreateObservableGauge("leader", () => Volatile.Read(ref leader), description: "1 while this replica holds the leader lease (or runs without leader election), else 0.");
        meter.CreateObservableGauge("clusters", () => Volatile.Read(ref clusters), description: "SecretClusters this operator currently watches.");
    }

    /// <summary>An operation ended: outcome is committed, aborted, refused or failed.</summary>
    public void Operation(string kind, string outcome, TimeSpan? duration)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", outcome } };
        operations.Add(1, tags);
        if (duration is { } took)
        {
            operationDuration.Record(took.TotalSeconds, tags);
        }
    }

    public void Event(string type) => events.Add(1, new KeyValuePair<string, object?>("type", type));

    public void SetLeader(bool isLeader) => Volatile.Write(ref leader, isLeader ? 1 : 0);

    public void SetClusters(int count) => Volatile.Write(ref clusters, count);

    public void Dispose() => meter.Dispose();
}
