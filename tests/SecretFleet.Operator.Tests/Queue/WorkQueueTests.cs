using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Operator.Queue;

namespace SecretFleet.Operator.Tests.Queue;

/// <summary>Queue semantics driven by hand: Add / GetAsync / Done on a manual clock.</summary>
[Trait("Category", "Unit")]
public sealed class WorkQueueTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WorkQueue queue;

    public WorkQueueTests()
    {
        queue = new WorkQueue(
            new WorkQueueOptions { Name = $"test-{Guid.NewGuid():N}", BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0 },
            clock,
            NullLogger<WorkQueue>.Instance);
    }

    public void Dispose() => queue.Dispose();

    [Fact]
    public async Task Adding_a_queued_key_again_is_a_no_op()
    {
        queue.Add("ns/a");
        queue.Add("ns/a");
        queue.Add("ns/b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("ns/a", await GetAsync());
        Assert.Equal("ns/b", await GetAsync());
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_in_flight_is_held_back_and_runs_once_more_after_done()
    {
        queue.Add("ns/a");
        var key = await GetAsync();

        queue.Add("ns/a");
        queue.Add("ns/a");
        Assert.Equal(0, queue.Count);

        queue.Done(key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("ns/a", await GetAsync());
    }

    [Fact]
    public async Task A_key_not_added_during_processing_is_not_requeued()
    {
        queue.Add("ns/a");
        queue.Done(await GetAsync());

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void AddAfter_holds_the_key_until_the_clock_reaches_its_time()
    {
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1), (queue.Count, queue.DelayedCount));

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1, 0), (queue.Count, queue.DelayedCount));
    }

    [Fact]
    public async Task AddAfter_keeps_the_earliest_time_for_a_key()
    {
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(60));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        queue.AddAfter("ns/b", TimeSpan.FromSeconds(10));
        queue.AddAfter("ns/b", TimeSpan.FromSeconds(60));

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, queue.Count);
        queue.Done(await GetAsync());
        queue.Done(await GetAsync());

        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal((0, 0), (queue.Count, queue.DelayedCount));
    }

    [Fact]
    public async Task Delayed_keys_come_out_in_time_order()
    {
        queue.AddAfter("ns/c", TimeSpan.FromSeconds(30));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        queue.AddAfter("ns/b", TimeSpan.FromSeconds(20));

        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(["ns/a", "ns/b", "ns/c"], [await GetAsync(), await GetAsync(), await GetAsync()]);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        queue.AddAfter("ns/a", TimeSpan.Zero);

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Backoff_doubles_is_capped_and_resets_on_forget()
    {
        var delays = Enumerable.Range(0, 6).Select(_ => queue.AddRateLimited("ns/a").TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 10, 10], delays);
        Assert.Equal(6, queue.Failures("ns/a"));

        queue.Forget("ns/a");

        Assert.Equal(0, queue.Failures("ns/a"));
        Assert.Equal(1, queue.AddRateLimited("ns/a").TotalSeconds);
        Assert.Equal(1, queue.AddRateLimited("ns/b").TotalSeconds);
    }

    [Fact]
    public void A_long_failure_streak_saturates_at_the_cap()
    {
        var last = TimeSpan.Zero;
        for (var i = 0; i < 200; i++)
        {
            last = queue.AddRateLimited("ns/a");
        }

        Assert.Equal(TimeSpan.FromSeconds(10), last);
    }

    [Fact]
    public void Jitter_shortens_delays_by_at_most_its_fraction()
    {
        using var jittered = new WorkQueue(
            new WorkQueueOptions { BaseDelay = TimeSpan.FromSeconds(8), MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0.5 },
            clock,
            NullLogger<WorkQueue>.Instance);

        var delays = Enumerable.Range(0, 200).Select(i => jittered.AddRateLimited($"ns/k{i}")).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)));
        Assert.True(delays.Distinct().Count() > 100, "jitter should spread the delays");
    }

    [Fact]
    public void A_rate_limited_key_is_queued_when_its_backoff_has_passed()
    {
        queue.AddRateLimited("ns/a");
        queue.AddRateLimited("ns/a");

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, queue.Count);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task Shutdown_wakes_waiting_getters_with_null_and_ignores_later_adds()
    {
        var first = queue.GetAsync(CancellationToken.None).AsTask();
        var second = queue.GetAsync(CancellationToken.None).AsTask();

        queue.ShutDown();
        queue.Add("ns/a");
        queue.AddAfter("ns/b", TimeSpan.FromSeconds(1));

        Assert.Null(await first.WaitAsync(Deadline));
        Assert.Null(await second.WaitAsync(Deadline));
        Assert.Equal((0, 0), (queue.Count, queue.DelayedCount));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueOptions { Workers = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueOptions { MaxDelay = TimeSpan.FromMilliseconds(1) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueOptions { Jitter = 1.5 }.Validate());
    }

    private async Task<string> GetAsync() =>
        await queue.GetAsync(CancellationToken.None).AsTask().WaitAsync(Deadline) ?? throw new InvalidOperationException("queue shut down");
}
