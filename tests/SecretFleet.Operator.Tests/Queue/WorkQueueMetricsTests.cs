using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Observability;
using SecretFleet.Operator.Queue;

namespace SecretFleet.Operator.Tests.Queue;

[Trait("Category", "Unit")]
public sealed class WorkQueueMetricsTests
{
    [Fact]
    public async Task Queue_metrics_count_adds_retries_and_reconciles_by_result()
    {
        // Each queue name is unique, so another test's queues never share these series.
        using var hostMetrics = new HostMetrics();
        var name = $"test-{Guid.NewGuid():N}";
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var queue = new WorkQueue(
            new WorkQueueOptions { Name = name, Workers = 1, Jitter = 0, BaseDelay = TimeSpan.FromSeconds(1) }, clock, NullLogger<WorkQueue>.Instance);
        using var stop = new CancellationTokenSource();
        var reconciled = 0;
        var loop = queue.RunAsync(
            (key, _) =>
            {
                Interlocked.Increment(ref reconciled);
                return Task.FromResult(key == "ns/bad" ? ReconcileResult.Failure("broken spec") : ReconcileResult.Success());
            },
            stop.Token);

        queue.Add("ns/a");
        queue.Add("ns/a");
        queue.Add("ns/bad");
        await Eventually.TrueAsync(() => Volatile.Read(ref reconciled) == 2 && queue.DelayedCount == 1, "both keys were reconciled");
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        var lines = (await hostMetrics.ScrapeAsync(CancellationToken.None)).Split('\n').Where(l => l.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.Contains($"secretfleet_workqueue_adds_total{{queue=\"{name}\"}} 2", lines);
        Assert.Contains($"secretfleet_workqueue_retries_total{{queue=\"{name}\"}} 1", lines);
        Assert.Contains($"secretfleet_workqueue_depth{{queue=\"{name}\"}} 0", lines);
        Assert.Contains($"secretfleet_workqueue_busy_workers{{queue=\"{name}\"}} 0", lines);
        Assert.Contains($"secretfleet_workqueue_reconcile_duration_seconds_count{{queue=\"{name}\",result=\"success\"}} 1", lines);
        Assert.Contains($"secretfleet_workqueue_reconcile_duration_seconds_count{{queue=\"{name}\",result=\"failure\"}} 1", lines);
        Assert.Contains($"secretfleet_workqueue_queue_duration_seconds_count{{queue=\"{name}\"}} 2", lines);
    }
}
