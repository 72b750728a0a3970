using System.Diagnostics;

namespace SecretFleet.Load;

/// <summary>The result of running one operation in a closed loop: throughput and latency percentiles.</summary>
internal sealed record LoopResult(string Operation, int Concurrency, long Operations, long Failures, double Seconds, double P50Ms, double P99Ms)
{
    public double PerSecond => Operations / Seconds;

    /// <summary>CPU the load client and the nodes spent per operation while measuring, in µs.</summary>
    public (double Client, double Nodes) CpuMicrosPerOp { get; init; } = (double.NaN, double.NaN);
}

/// <summary>
/// Runs an operation with a fixed number of concurrent callers (each starts its next call when the
/// previous one ends) for a warm-up, then for the measured duration.
/// </summary>
internal static class ClosedLoop
{
    // One sequence for every phase and run, so operations that create names never repeat one.
    private static long _sequence;

    public static async Task<LoopResult> RunAsync(string name, int concurrency, TimeSpan warmup, TimeSpan duration, Func<long, Task> operation, IReadOnlyList<int> nodePids)
    {
        await RunPhaseAsync(concurrency, warmup, operation, recorder: null).ConfigureAwait(false);
        var recorder = new LatencyRecorder(5_000_000);
        (double Client, double Nodes) Cpu() => (ProcessStats.CpuSeconds(Environment.ProcessId), nodePids.Sum(ProcessStats.CpuSeconds));
        var before = Cpu();
        var started = Stopwatch.GetTimestamp();
        var failures = await RunPhaseAsync(concurrency, duration, operation, recorder).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = Cpu();
        var perOp = 1e6 / Math.Max(1, recorder.Count);
        return new LoopResult(name, concurrency, recorder.Count, failures, seconds, recorder.PercentileMs(50), recorder.PercentileMs(99))
        {
            CpuMicrosPerOp = ((after.Client - before.Client) * perOp, (after.Nodes - before.Nodes) * perOp),
        };
    }

    private static async Task<long> RunPhaseAsync(int concurrency, TimeSpan length, Func<long, Task> operation, LatencyRecorder? recorder)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        long failures = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(Interlocked.Increment(ref _sequence)).ConfigureAwait(false);
                    recorder?.Record(start);
                }
                catch (Exception e) when (recorder is not null)
                {
                    if (Interlocked.Increment(ref failures) == 1)
                    {
                        Console.Error.WriteLine($"first failure: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }))).ConfigureAwait(false);
        return failures;
    }
}
