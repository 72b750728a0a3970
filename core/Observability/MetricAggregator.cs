using System.Collections.Concurrent;
using System.Text;

namespace SecretFleet.Core.Observability;

/// <summary>
/// One metric family: its series keyed by label set. Recording is lock-free: a series is
/// found without allocating and updated with interlocked operations.
/// </summary>
internal abstract class MetricAggregator
{
    private readonly int maxSeries;
    private readonly Action onDrop;

    protected MetricAggregator(MetricIdentity identity, int maxSeries, Action onDrop)
    {
        Identity = identity;
        this.maxSeries = maxSeries;
        this.onDrop = onDrop;
    }

    public MetricIdentity Identity { get; }

    /// <summary>Observable instruments report at scrape time; their old series are dropped first.</summary>
    public virtual bool ClearedBeforeCollect => false;

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public abstract void Clear();

    public abstract bool IsEmpty { get; }

    public abstract void Render(StringBuilder output);

    protected void Drop() => onDrop();

    protected int MaxSeries => maxSeries;
}

/// <inheritdoc />
internal abstract class MetricAggregator<TSeries> : MetricAggregator
    where TSeries : class
{
    private readonly ConcurrentDictionary<LabelSet, TSeries> series = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, TSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> lookup;
    private int seriesCount;

    protected MetricAggregator(MetricIdentity identity, int maxSeries, Action onDrop)
        : base(identity, maxSeries, onDrop)
    {
        lookup = series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public override bool IsEmpty => series.IsEmpty;

    public override void Clear()
    {
        series.Clear();
        Volatile.Write(ref seriesCount, 0);
    }

    /// <summary>The series for these tags, created on first use; null when the series limit is reached.</summary>
    protected TSeries? GetSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        lookup.TryGetValue(tags, out var existing) ? existing : AddSeries(LabelSet.Create(tags));

    protected abstract TSeries NewSeries();

    /// <summary>Series sorted by label set, so the output is stable between scrapes.</summary>
    protected List<KeyValuePair<LabelSet, TSeries>> SnapshotSorted()
    {
        var list = new List<KeyValuePair<LabelSet, TSeries>>(series);
        list.Sort((a, b) => a.Key.CompareTo(b.Key));
        return list;
    }

    private TSeries? AddSeries(LabelSet labels)
    {
        // Slow path: tags in a form the span lookup cannot match (a repeated key) land here too.
        if (series.TryGetValue(labels, out var existing))
        {
            return existing;
        }

        if (Interlocked.Increment(ref seriesCount) > MaxSeries)
        {
            Interlocked.Decrement(ref seriesCount);
            Drop();
            return null;
        }

        var created = NewSeries();
        var actual = series.GetOrAdd(labels, created);
        if (!ReferenceEquals(actual, created))
        {
            Interlocked.Decrement(ref seriesCount);
        }

        return actual;
    }
}
