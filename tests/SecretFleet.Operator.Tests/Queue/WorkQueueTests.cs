using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Operator.Queue;

namespace SecretFleet.Operator.Tests.Queue;

/// <summary>Queue semantics driven by hand: Add / GetAsync / Done on a manual clock.</summary>
[Trait("Category", "Unit")]
public sealed class WorkQueueTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WorkQueue _queue;

    public WorkQueueTests()
    {
        _queue = new WorkQueue(
            new WorkQueueOptions { Name = $"test-{Guid.NewGuid():N}", BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0 },
            _clock,
            NullLogger<WorkQueue>.Instance);
    }

    public void Dispose() => _queue.Dispose();

    [Fact]
    public async Task Adding_a_queued_key_again_is_a_no_op()
    {
        _queue.Add("ns/a");
        _queue.Add("ns/a");
        _queue.Add("ns/b");

        Assert.Equal(2, _queue.Count);
        Assert.Equal("ns/a", await GetAsync());
        Assert.Equal("ns/b", await GetAsync());
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task A_key_in_flight_is_held_back_and_runs_once_more_after_done()
    {
        _queue.Add("ns/a");
        var key = await GetAsync();

        _queue.Add("ns/a");
        _queue.Add("ns/a");
        Assert.Equal(0, _queue.Count);

        _queue.Done(key);
        Assert.Equal(1, _queue.Count);
        Assert.Equal("ns/a", await GetAsync());
    }

    [Fact]
    public async Task A_key_not_added_during_processing_is_not_requeued()
    {
        _queue.Add("ns/a");
        _queue.Done(await GetAsync());

        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void AddAfter_holds_the_key_until_the_clock_reaches_its_time()
    {
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1), (_queue.Count, _queue.DelayedCount));

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, _queue.Count);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1, 0), (_queue.Count, _queue.DelayedCount));
    }

    [Fact]
    public async Task AddAfter_keeps_the_earliest_time_for_a_key()
    {
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(60));
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("ns/b", TimeSpan.FromSeconds(10));
        _queue.AddAfter("ns/b", TimeSpan.FromSeconds(60));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _queue.Count);
        _queue.Done(await GetAsync());
        _queue.Done(await GetAsync());

        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal((0, 0), (_queue.Count, _queue.DelayedCount));
    }

    [Fact]
    public async Task Delayed_keys_come_out_in_time_order()
    {
        _queue.AddAfter("ns/c", TimeSpan.FromSeconds(30));
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("ns/b", TimeSpan.FromSeconds(20));

        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(["ns/a", "ns/b", "ns/c"], [await GetAsync(), await GetAsync(), await GetAsync()]);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        _queue.AddAfter("ns/a", TimeSpan.Zero);

        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public void Backoff_doubles_is_capped_and_resets_on_forget()
    {
        var delays = Enumerable.Range(0, 6).Select(_ => _queue.AddRateLimited("ns/a").TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 10, 10], delays);
        Assert.Equal(6, _queue.Failures("ns/a"));

        _queue.Forget("ns/a");

        Assert.Equal(0, _queue.Failures("ns/a"));
        Assert.Equal(1, _queue.AddRateLimited("ns/a").TotalSeconds);
        Assert.Equal(1, _queue.AddRateLimited("ns/b").TotalSeconds);
    }

    [Fact]
    public void A_long_failure_streak_saturates_at_the_cap()
    {
        var last = TimeSpan.Zero;
        for (var i = 0; i < 200; i++)
        {
            last = _queue.AddRateLimited("ns/a");
        }

        Assert.Equal(TimeSpan.FromSeconds(10), last);
    }

    [Fact]
    public void Jitter_shortens_delays_by_at_most_its_fraction()
    {
        using var jittered = new WorkQueue(
            new WorkQueueOptions { BaseDelay = TimeSpan.FromSeconds(8), MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0.5 },
            _clock,
            NullLogger<WorkQueue>.Instance);

        var delays = Enumerable.Range(0, 200).Select(i => jittered.AddRateLimited($"ns/k{i}")).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)));
        Assert.True(delays.Distinct().Count() > 100, "jitter should spread the delays");
    }

    [Fact]
    public void A_rate_limited_key_is_queued_when_its_backoff_has_passed()
    {
        _queue.AddRateLimited("ns/a");
        _queue.AddRateLimited("ns/a");

        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, _queue.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public async Task Shutdown_wakes_waiting_getters_with_null_and_ignores_later_adds()
    {
        var first = _queue.GetAsync(CancellationToken.None).AsTask();
        var second = _queue.GetAsync(CancellationToken.None).AsTask();

        _queue.ShutDown();
        _queue.Add("ns/a");
        _queue.AddAfter("ns/b", TimeSpan.FromSeconds(1));

        Assert.Null(await first.WaitAsync(Deadline));
        Assert.Null(await second.WaitAsync(Deadline));
        Assert.Equal((0, 0), (_queue.Count, _queue.DelayedCount));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueOptions { Workers = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueOptions { MaxDelay = TimeSpan.FromMilliseconds(1) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueOptions { Jitter = 1.5 }.Validate());
    }

    private async Task<string> GetAsync() =>
        await _queue.GetAsync(CancellationToken.None).AsTask().WaitAsync(Deadline) ?? throw new InvalidOperationException("queue shut down");
}
