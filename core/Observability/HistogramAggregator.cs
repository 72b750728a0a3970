using System.Globalization;
using System.Text;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Histograms: per series a count per bucket, updated with interlocked increments. The
/// exported buckets are cumulative and <c>_count</c> is their total, so <c>_count</c>
/// always equals the <c>+Inf</c> bucket even while measurements arrive during a scrape.
/// </summary>
internal sealed class HistogramAggregator : MetricAggregator<HistogramAggregator.Series>
{
    private readonly double[] bounds;
    private readonly string[] boundLabels;

    public HistogramAggregator(MetricIdentity identity, double[] bounds, int maxSeries, Action onDrop)
        : base(identity, maxSeries, onDrop)
    {
        this.bounds = bounds;
        boundLabels = new string[bounds.Length + 1];
        for (var i = 0; i < bounds.Length; i++)
        {
            boundLabels[i] = bounds[i].ToString("R", CultureInfo.InvariantCulture);
        }

        boundLabels[^1] = "+Inf";
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = GetSeries(tags);
        if (series is null)
        {
            return;
        }

        // Bucket i holds values in (bounds[i-1], bounds[i]]; the last one is +Inf (and NaN).
        int index;
        if (double.IsNaN(value))
        {
            index = bounds.Length;
        }
        else
        {
            index = Array.BinarySearch(bounds, value);
            if (index < 0)
            {
                index = ~index;
            }
        }

        Interlocked.Increment(ref series.Counts[index]);
        AtomicDouble.Add(ref series.Sum, value);
    }

    public override void Render(StringBuilder output)
    {
        SeriesWriter.AppendHeader(output, Identity);
        var bucketName = Identity.Name + "_bucket";
        var constant = Identity.ConstantLabels;
        foreach (var (labels, series) in SnapshotSorted())
        {
            long cumulative = 0;
            for (var i = 0; i < series.Counts.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.Counts[i]);
                SeriesWriter.AppendSample(output, bucketName, constant, labels, boundLabels[i], cumulative, histogram: true);
            }

            SeriesWriter.AppendSample(output, Identity.Name + "_sum", constant, labels, null, Volatile.Read(ref series.Sum), histogram: true);
            SeriesWriter.AppendSample(output, Identity.Name + "_count", constant, labels, null, cumulative, histogram: true);
        }
    }

    protected override Series NewSeries() => new(bounds.Length + 1);

    internal sealed class Series(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public double Sum;
    }
}
