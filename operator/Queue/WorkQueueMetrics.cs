using System.Diagnostics.Metrics;

namespace SecretFleet.Operator.Queue;

/// <summary>
/// The queue's instruments on meter <c>SecretFleet.WorkQueue</c>, tagged with the queue
/// name; exported as <c>secretfleet_workqueue_*</c> (meter and instrument name joined, see docs/metrics.md).
/// </summary>
internal sealed class WorkQueueMetrics : IDisposable
{
    public const string MeterName = "SecretFleet.WorkQueue";

    private readonly Meter meter;
    private readonly KeyValuePair<string, object?> queueTag;
    private readonly UpDownCounter<int> depth;
    private readonly Counter<long> adds;
    private readonly Counter<long> retries;
    private readonly UpDownCounter<int> busyWorkers;
    private readonly Histogram<double> queueDuration;
    private readonly Histogram<double> reconcileDuration;

    public WorkQueueMetrics(string queueName, IMeterFactory? meterFactory = null)
    {
        meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        queueTag = new("queue", queueName);
        depth = meter.CreateUpDownCounter<int>("depth", description: "Keys waiting to be reconciled now.");
        adds = meter.CreateCounter<long>("adds", description: "Keys put on the queue (duplicates of queued keys not counted).");
        retries = meter.CreateCounter<long>("retries", description: "Keys scheduled again after a failed reconcile.");
        busyWorkers = meter.CreateUpDownCounter<int>("busy_workers", description: "Reconciles in progress.");
        queueDuration = meter.CreateHistogram<double>(
            "queue_duration_seconds", "s", "Time a key waited in the queue before its reconcile started.");
        reconcileDuration = meter.CreateHistogram<double>(
            "reconcile_duration_seconds", "s", "Duration of reconciles, by result (success, requeue, failure, error).");
    }

    public void Enqueued()
    {
        adds.Add(1, queueTag);
        depth.Add(1, queueTag);
    }

    public void Started(TimeSpan waited)
    {
        depth.Add(-1, queueTag);
        busyWorkers.Add(1, queueTag);
        queueDuration.Record(waited.TotalSeconds, queueTag);
    }

    public void Finished(string result, TimeSpan took)
    {
        busyWorkers.Add(-1, queueTag);
        reconcileDuration.Record(took.TotalSeconds, queueTag, new KeyValuePair<string, object?>("result", result));
    }

    public void Retried() => retries.Add(1, queueTag);

    public void Dispose() => meter.Dispose();
}
