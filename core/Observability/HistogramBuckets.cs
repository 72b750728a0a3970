using System.Diagnostics.Metrics;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Histogram bucket upper bounds for the adapter: the instrument's own advice
/// (<see cref="InstrumentAdvice{T}.HistogramBucketBoundaries"/>), which prometheus-net 8 does not
/// read by itself, else seconds buckets suited to request and operation durations.
/// </summary>
internal static class HistogramBuckets
{
    /// <summary>Used when an instrument gives no usable advice; the instruments record seconds.</summary>
    public static readonly double[] DefaultSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public static double[] For(Instrument instrument)
    {
        double[]? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return advised is not null && IsIncreasing(advised) ? advised : DefaultSeconds;
    }

    // prometheus-net throws on bounds that are not strictly increasing; bad advice falls back instead.
    private static bool IsIncreasing(double[] bounds)
    {
        if (bounds.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < bounds.Length; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                return false;
            }
        }

        return true;
    }
}
