using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Operator.Queue;

namespace SecretFleet.Operator.Tests.Queue;

/// <summary>RunAsync: workers, results, backoff and shutdown, on a manual clock.</summary>
[Trait("Category", "Unit")]
public sealed class WorkQueueRunTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_concurrency_cap_holds()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = 0;
        var maxInFlight = 0;
        var done = 0;
        await using var run = new Run(workers: 3, async (_, ct) =>
        {
            Max(ref maxInFlight, Interlocked.Increment(ref inFlight));
            await gate.Task.WaitAsync(ct);
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref done);
            return ReconcileResult.Success();
        });
        for (var i = 0; i < 10; i++)
        {
            run.Queue.Add($"ns/c{i}");
        }

        await Eventually.TrueAsync(() => Volatile.Read(ref inFlight) == 3, "three reconciles run");
        Assert.Equal(7, run.Queue.Count);
        gate.SetResult();
        await Eventually.TrueAsync(() => Volatile.Read(ref done) == 10, "all ten keys are reconciled");

        Assert.Equal(3, maxInFlight);
    }

    [Fact]
    public async Task A_key_is_never_reconciled_twice_at_once_and_a_re_add_runs_after()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new ConcurrentDictionary<string, int>();
        var overlaps = 0;
        var runs = 0;
        await using var run = new Run(workers: 4, async (key, ct) =>
        {
            if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            if (Interlocked.Increment(ref runs) == 1)
            {
                await gate.Task.WaitAsync(ct);
            }

            inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            return ReconcileResult.Success();
        });

        run.Queue.Add("ns/a");
        await Eventually.TrueAsync(() => Volatile.Read(ref runs) == 1, "the first reconcile started");
        run.Queue.Add("ns/a");
        run.Queue.Add("ns/a");
        Assert.Equal(0, run.Queue.Count);
        gate.SetResult();

        await Eventually.TrueAsync(() => Volatile.Read(ref runs) == 2 && inFlight["ns/a"] == 0, "the key ran once more");
        Assert.Equal(0, overlaps);
        Assert.Equal(0, run.Queue.Count);
    }

    [Fact]
    public async Task Failures_back_off_exponentially_and_success_resets_the_backoff()
    {
        var attempts = 0;
        await using var run = new Run(workers: 2, (_, _) => Task.FromResult(
            Interlocked.Increment(ref attempts) <= 3 ? ReconcileResult.Failure("node-1 not ready") : ReconcileResult.Success()));

        run.Queue.Add("ns/a");
        Assert.Equal(T0, await run.NextAsync());
        var expected = T0;
        foreach (var seconds in new[] { 1, 2, 4 })
        {
            await Eventually.TrueAsync(() => run.Queue.DelayedCount == 1, "the key waits out its backoff");
            run.Clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, run.Queue.DelayedCount);
            run.Clock.Advance(TimeSpan.FromMilliseconds(1));
            expected += TimeSpan.FromSeconds(seconds);
            Assert.Equal(expected, await run.NextAsync());
        }

        await Eventually.TrueAsync(() => run.Queue.Failures("ns/a") == 0, "success resets the backoff");
        Assert.Equal(0, run.Queue.DelayedCount);
    }

    [Fact]
    public async Task A_thrown_exception_counts_as_a_failure()
    {
        var attempts = 0;
        await using var run = new Run(workers: 1, (_, _) => Interlocked.Increment(ref attempts) == 1
            ? throw new HttpRequestException("API server unreachable")
            : Task.FromResult(ReconcileResult.Success()));

        run.Queue.Add("ns/a");
        await run.NextAsync();
        await Eventually.TrueAsync(() => run.Queue.DelayedCount == 1, "the key is scheduled for a retry");
        Assert.Equal(1, run.Queue.Failures("ns/a"));
        run.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(T0.AddSeconds(1), await run.NextAsync());
    }

    [Fact]
    public async Task Requeue_after_runs_the_key_again_at_that_time()
    {
        var attempts = 0;
        await using var run = new Run(workers: 1, (_, _) => Task.FromResult(
            Interlocked.Increment(ref attempts) == 1 ? ReconcileResult.Requeue(TimeSpan.FromSeconds(30)) : ReconcileResult.Success()));

        run.Queue.Add("ns/a");
        await run.NextAsync();
        await Eventually.TrueAsync(() => run.Queue.DelayedCount == 1, "the key is requeued");
        run.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, run.Queue.DelayedCount);
        run.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(T0.AddSeconds(30), await run.NextAsync());
        Assert.Equal(0, run.Queue.Failures("ns/a"));
    }

    [Fact]
    public async Task Shutdown_waits_for_reconciles_in_flight_and_starts_no_new_one()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var finished = 0;
        var run = new Run(workers: 2, async (_, _) =>
        {
            Interlocked.Increment(ref started);
            // Ignores cancellation on purpose: shutdown must still wait for it.
            await gate.Task;
            Interlocked.Increment(ref finished);
            return ReconcileResult.Success();
        });
        for (var i = 0; i < 5; i++)
        {
            run.Queue.Add($"ns/c{i}");
        }

        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 2, "two reconciles run");
        await run.Stop.CancelAsync();
        Assert.False(run.Loop.IsCompleted);
        gate.SetResult();
        await run.Loop.WaitAsync(Deadline);

        Assert.True(run.Loop.IsCompletedSuccessfully);
        Assert.Equal((2, 2), (started, finished));
        await run.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_with_reconciles_that_honour_cancellation_ends_cleanly()
    {
        var started = 0;
        var run = new Run(workers: 2, async (_, ct) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Success();
        });
        run.Queue.Add("ns/a");
        run.Queue.Add("ns/b");
        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 2, "both reconciles run");

        await run.DisposeAsync();

        Assert.True(run.Loop.IsCompletedSuccessfully);
        Assert.Equal(0, run.Queue.DelayedCount);
    }

    [Fact]
    public async Task RunAsync_can_run_only_once()
    {
        await using var run = new Run(workers: 1, (_, _) => Task.FromResult(ReconcileResult.Success()));

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => run.Queue.RunAsync((_, _) => Task.FromResult(ReconcileResult.Success()), CancellationToken.None));
    }

    private static void Max(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A queue running <c>reconcile</c>; every reconcile start is reported on a channel with the clock time.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly Channel<DateTimeOffset> _starts = Channel.CreateUnbounded<DateTimeOffset>();

        public Run(int workers, Func<string, CancellationToken, Task<ReconcileResult>> reconcile)
        {
            Queue = new WorkQueue(
                new WorkQueueOptions { Name = $"test-{Guid.NewGuid():N}", Workers = workers, BaseDelay = TimeSpan.FromSeconds(1), Jitter = 0 },
                Clock,
                NullLogger<WorkQueue>.Instance);
            Loop = Queue.RunAsync(
                (key, ct) =>
                {
                    _starts.Writer.TryWrite(Clock.GetUtcNow());
                    return reconcile(key, ct);
                },
                Stop.Token);
        }

        public ManualTimeProvider Clock { get; } = new(T0);

        public WorkQueue Queue { get; }

        public CancellationTokenSource Stop { get; } = new();

        public Task Loop { get; }

        public async Task<DateTimeOffset> NextAsync() => await _starts.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Loop.WaitAsync(Deadline);
            Queue.Dispose();
            Stop.Dispose();
        }
    }
}
