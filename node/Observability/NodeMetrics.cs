using System.Diagnostics;
using System.Diagnostics.Metrics;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Observability;

/// <summary>
/// The node's own instruments (the RPC layer records calls by method and code). Labels are
/// fixed small sets: operation kind, outcome, abort reason code; never names or values.
/// Exported as <c>secretfleet_node_</c> + the instrument name (counters get <c>_total</c>), see docs/metrics.md.
/// </summary>
internal sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "SecretFleet.Node";
    private static readonly HashSet<string> ReasonCodes = ["dealer-misbehaved", "transcript-mismatch", "node-failed", "unreachable", "timeout", "cancelled", "superseded", "snapshots-diverge"];
    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _pairs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _sentBytes;
    private long _startedTimestamp;

    // meterFactory: the host's, whose meters are the ones its /metrics exports; tests may pass none.
    public NodeMetrics(Func<ulong> epoch, Func<long> secrets, Func<long> storeBytes, IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _operations = _meter.CreateCounter<long>("operations", description: "Refresh and recovery operations this node finished, by kind and outcome.");
        _pairs = _meter.CreateCounter<long>("refreshed_pairs", description: "(secret, version) pairs this node committed in refreshes and recoveries.");
        _sentBytes = _meter.CreateCounter<long>("peer_sent_bytes", unit: "By", description: "Protobuf payload bytes this node served to peers (dealt batches and masked recovery values).");
        _duration = _meter.CreateHistogram<double>("operation_duration_seconds", unit: "s", description: "Time from Begin to Commit or Abort of an operation on this node.");
        _meter.CreateObservableGauge("epoch", () => (long)epoch(), description: "The epoch of this node's shares.");
        _meter.CreateObservableGauge("secrets", secrets, description: "Secrets with a share on this node.");
        _meter.CreateObservableGauge("store_size_bytes", storeBytes, unit: "By", description: "Bytes of the share database and its WAL.");
    }

    public void PeerBytesSent(long bytes) => _sentBytes.Add(bytes);

    public void OperationStarted() => Interlocked.Exchange(ref _startedTimestamp, Stopwatch.GetTimestamp());

    public void OperationCommitted(OperationKind kind, long pairs)
    {
        var kindTag = new KeyValuePair<string, object?>("kind", Kind(kind));
        _operations.Add(1, kindTag, new KeyValuePair<string, object?>("outcome", "committed"), new KeyValuePair<string, object?>("reason", ""));
        _pairs.Add(pairs, kindTag);
        RecordDuration(kind);
    }

    public void OperationAborted(OperationKind kind, string reasonCode)
    {
        var reason = ReasonCodes.Contains(reasonCode) ? reasonCode : "other";
        _operations.Add(1, new KeyValuePair<string, object?>("kind", Kind(kind)), new KeyValuePair<string, object?>("outcome", "aborted"), new KeyValuePair<string, object?>("reason", reason));
        RecordDuration(kind);
    }

    private void RecordDuration(OperationKind kind)
    {
        var started = Interlocked.Exchange(ref _startedTimestamp, 0);
        if (started != 0)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("kind", Kind(kind)));
        }
    }

    private static string Kind(OperationKind kind) => kind.Name();

    public void Dispose() => _meter.Dispose();
}
