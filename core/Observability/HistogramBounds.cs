using System.Diagnostics.Metrics;
using System.Globalization;

namespace SecretFleet.Core.Observability;

/// <summary>Histogram upper bounds: validation, and the bucket advice an instrument may carry.</summary>
internal static class HistogramBounds
{
    public static double[] Validate(IReadOnlyList<double> bounds, string owner)
    {
        if (!IsValid(bounds))
        {
            var shown = string.Join(", ", bounds.Select(b => b.ToString("R", CultureInfo.InvariantCulture)));
            throw new ArgumentException(
                $"The buckets of {owner} must be one or more finite, strictly increasing upper bounds; got [{shown}].",
                nameof(bounds));
        }

        return [.. bounds];
    }

    /// <summary>The instrument's own bucket advice, or null when it has none usable.</summary>
    public static double[]? FromAdvice(Instrument instrument)
    {
        double[]? bounds = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<short> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<byte> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<decimal> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return bounds is not null && IsValid(bounds) ? bounds : null;
    }

    private static bool IsValid(IReadOnlyList<double> bounds)
    {
        if (bounds.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                return false;
            }
        }

        return true;
    }
}
