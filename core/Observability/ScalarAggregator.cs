using System.Text;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Counters and gauges: one number per series. Counters and up-down counters add;
/// gauges and observable instruments (which report totals) set.
/// </summary>
internal sealed class ScalarAggregator(MetricIdentity identity, int maxSeries, Action onDrop)
    : MetricAggregator<ScalarAggregator.Series>(identity, maxSeries, onDrop)
{
    private readonly bool accumulate = identity.Kind is InstrumentKind.Counter or InstrumentKind.UpDownCounter;

    private readonly bool observable = identity.Kind
        is InstrumentKind.ObservableCounter or InstrumentKind.ObservableGauge or InstrumentKind.ObservableUpDownCounter;

    public override bool ClearedBeforeCollect => observable;

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = GetSeries(tags);
        if (series is null)
        {
            return;
        }

        if (accumulate)
        {
            AtomicDouble.Add(ref series.Value, value);
        }
        else
        {
            Volatile.Write(ref series.Value, value);
        }
    }

    public override void Render(StringBuilder output)
    {
        SeriesWriter.AppendHeader(output, Identity);
        foreach (var (labels, series) in SnapshotSorted())
        {
            SeriesWriter.AppendSample(
                output, Identity.Name, Identity.ConstantLabels, labels, le: null, Volatile.Read(ref series.Value));
        }
    }

    protected override Series NewSeries() => new();

    internal sealed class Series
    {
        public double Value;
    }
}
