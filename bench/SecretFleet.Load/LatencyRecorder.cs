using System.Diagnostics;

namespace SecretFleet.Load;

/// <summary>Per-operation latencies of one run, recorded without locks (one array slot per op).</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Math.Min(_count, _ticks.Length);

    public void Record(long startTimestamp)
    {
        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot < _ticks.Length)
        {
            _ticks[slot] = Stopwatch.GetTimestamp() - startTimestamp;
        }
    }

    public double PercentileMs(double p)
    {
        var count = Count;
        if (count == 0)
        {
            return double.NaN;
        }
        var sorted = _ticks[..count];
        Array.Sort(sorted);
        var index = Math.Clamp((int)Math.Ceiling(p / 100 * count) - 1, 0, count - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }
}
