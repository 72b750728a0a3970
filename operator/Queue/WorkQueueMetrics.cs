using System.Diagnostics.Metrics;

namespace SecretFleet.Operator.Queue;

/// <summary>
/// The queue's instruments on meter <c>SecretFleet.WorkQueue</c>, tagged with the queue
/// name; exported as <c>secretfleet_workqueue_*</c> (meter and instrument name joined, see docs/metrics.md).
/// </summary>
internal sealed class WorkQueueMetrics : IDisposable
{
    public const string MeterName = "SecretFleet.WorkQueue";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _queueTag;
    private readonly UpDownCounter<int> _depth;
    private readonly Counter<long> _adds;
    private readonly Counter<long> _retries;
    private readonly UpDownCounter<int> _busyWorkers;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _reconcileDuration;

    public WorkQueueMetrics(string queueName, IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _queueTag = new("queue", queueName);
        _depth = _meter.CreateUpDownCounter<int>("depth", description: "Keys waiting to be reconciled now.");
        _adds = _meter.CreateCounter<long>("adds", description: "Keys put on the queue (duplicates of queued keys not counted).");
        _retries = _meter.CreateCounter<long>("retries", description: "Keys scheduled again after a failed reconcile.");
        _busyWorkers = _meter.CreateUpDownCounter<int>("busy_workers", description: "Reconciles in progress.");
        _queueDuration = _meter.CreateHistogram<double>(
            "queue_duration_seconds", "s", "Time a key waited in the queue before its reconcile started.");
        _reconcileDuration = _meter.CreateHistogram<double>(
            "reconcile_duration_seconds", "s", "Duration of reconciles, by result (success, requeue, failure, error).");
    }

    public void Enqueued()
    {
        _adds.Add(1, _queueTag);
        _depth.Add(1, _queueTag);
    }

    public void Started(TimeSpan waited)
    {
        _depth.Add(-1, _queueTag);
        _busyWorkers.Add(1, _queueTag);
        _queueDuration.Record(waited.TotalSeconds, _queueTag);
    }

    public void Finished(string result, TimeSpan took)
    {
        _busyWorkers.Add(-1, _queueTag);
        _reconcileDuration.Record(took.TotalSeconds, _queueTag, new KeyValuePair<string, object?>("result", result));
    }

    public void Retried() => _retries.Add(1, _queueTag);

    public void Dispose() => _meter.Dispose();
}
