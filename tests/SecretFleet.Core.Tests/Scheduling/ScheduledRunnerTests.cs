using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Scheduling;

namespace SecretFleet.Core.Tests.Scheduling;

[Trait("Category", "Unit")]
public sealed class ScheduledRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 7, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Interval_run_happens_when_due_and_not_before()
    {
        await using var fixture = new Fixture(RefreshSchedule.FromInterval("10m"), new ScheduledRunnerOptions { LastRun = T0 });
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(10));

        fixture.Clock.Advance(TimeSpan.FromMinutes(9));
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(10));
        Assert.Equal(0, fixture.Runs.Reader.Count);

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(T0.AddMinutes(10), await fixture.NextRunAsync());
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(20));
    }

    [Fact]
    public async Task Cron_runs_at_each_occurrence()
    {
        await using var fixture = new Fixture(RefreshSchedule.FromCron("*/15 * * * *"), new ScheduledRunnerOptions { LastRun = T0 });

        fixture.Clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(T0.AddMinutes(8), await fixture.NextRunAsync());
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(23));
        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(T0.AddMinutes(23), await fixture.NextRunAsync());
    }

    [Fact]
    public async Task Overdue_at_start_runs_at_once()
    {
        await using var fixture = new Fixture(RefreshSchedule.FromInterval("1h"), new ScheduledRunnerOptions { LastRun = T0.AddDays(-2) });

        Assert.Equal(T0, await fixture.NextRunAsync());
    }

    [Fact]
    public async Task Run_now_runs_immediately_and_the_schedule_restarts_from_that_run()
    {
        await using var fixture = new Fixture(RefreshSchedule.FromInterval("1h"), new ScheduledRunnerOptions { LastRun = T0 });
        await fixture.WaitIdleUntilAsync(T0.AddHours(1));
        fixture.Clock.Advance(TimeSpan.FromMinutes(20));

        fixture.Runner.RequestRun();

        Assert.Equal(T0.AddMinutes(20), await fixture.NextRunAsync());
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(80));
    }

    [Fact]
    public async Task Runs_never_overlap_and_requests_during_a_run_coalesce_into_one_more()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var maxRunning = 0;
        var calls = 0;
        await using var fixture = new Fixture(
            RefreshSchedule.FromInterval("1h"),
            new ScheduledRunnerOptions { LastRun = T0 },
            async ct =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await gate.Task.WaitAsync(ct);
                }

                Interlocked.Decrement(ref running);
            });
        await fixture.WaitIdleUntilAsync(T0.AddHours(1));

        fixture.Runner.RequestRun();
        await Eventually.TrueAsync(() => Volatile.Read(ref running) == 1, "the first run started");
        fixture.Runner.RequestRun();
        fixture.Runner.RequestRun();
        fixture.Runner.RequestRun();
        gate.SetResult();

        await fixture.NextRunAsync();
        await fixture.NextRunAsync();
        await fixture.WaitIdleUntilAsync(T0.AddHours(1));
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task A_failed_run_is_retried_after_the_retry_delay_and_the_loop_goes_on()
    {
        var calls = 0;
        await using var fixture = new Fixture(
            RefreshSchedule.FromInterval("1h"),
            new ScheduledRunnerOptions { LastRun = T0, RetryAfterFailure = TimeSpan.FromMinutes(5) },
            _ => Interlocked.Increment(ref calls) == 1 ? throw new IOException("node-2 unreachable") : Task.CompletedTask);
        await fixture.WaitIdleUntilAsync(T0.AddHours(1));

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(T0.AddHours(1), await fixture.NextRunAsync());
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(65));
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(T0.AddMinutes(65), await fixture.NextRunAsync());
        await fixture.WaitIdleUntilAsync(T0.AddMinutes(125));
    }

    [Fact]
    public async Task Cancellation_stops_the_loop_and_cancels_a_run_in_progress()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observedCancel = false;
        var fixture = new Fixture(
            RefreshSchedule.FromInterval("1h"),
            new ScheduledRunnerOptions { LastRun = T0 },
            async ct =>
            {
                started.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    observedCancel = true;
                    throw;
                }
            });
        fixture.Runner.RequestRun();
        await started.Task.WaitAsync(Deadline);

        await fixture.DisposeAsync();

        Assert.True(observedCancel);
        Assert.True(fixture.Loop.IsCompletedSuccessfully);
        Assert.Null(fixture.Runner.NextRunAt);
    }

    [Fact]
    public async Task A_runner_runs_one_loop_at_a_time()
    {
        await using var fixture = new Fixture(RefreshSchedule.FromInterval("1h"), new ScheduledRunnerOptions { LastRun = T0 });
        await fixture.WaitIdleUntilAsync(T0.AddHours(1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Runner.RunAsync(CancellationToken.None).WaitAsync(Deadline));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A runner on a manual clock whose runs report their start time on <see cref="Runs"/>.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();

        public Fixture(RefreshSchedule schedule, ScheduledRunnerOptions options, Func<CancellationToken, Task>? work = null)
        {
            Runner = new ScheduledRunner(
                schedule,
                async ct =>
                {
                    await Runs.Writer.WriteAsync(Clock.GetUtcNow(), ct);
                    if (work is not null)
                    {
                        await work(ct);
                    }
                },
                Clock,
                NullLogger<ScheduledRunner>.Instance,
                options);
            Loop = Task.Run(() => Runner.RunAsync(stop.Token));
        }

        public ManualTimeProvider Clock { get; } = new(T0);

        public Channel<DateTimeOffset> Runs { get; } = Channel.CreateUnbounded<DateTimeOffset>();

        public ScheduledRunner Runner { get; }

        public Task Loop { get; }

        public async Task<DateTimeOffset> NextRunAsync() => await Runs.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

        /// <summary>Waits until the runner sleeps on a timer for the run due at <paramref name="due"/>.</summary>
        public Task WaitIdleUntilAsync(DateTimeOffset due) =>
            Eventually.TrueAsync(() => Runner.NextRunAt == due && Clock.ActiveTimers > 0, $"the runner waits for {due:o}");

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Loop.WaitAsync(Deadline);
            stop.Dispose();
        }
    }
}
