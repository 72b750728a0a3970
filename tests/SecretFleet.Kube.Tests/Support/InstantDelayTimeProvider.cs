using System.Collections.Concurrent;

namespace SecretFleet.Kube.Tests.Support;

/// <summary>
/// Real time for reading the clock, but timers shorter than <see cref="InstantBelow"/> fire at once and are
/// recorded, so a test can see how long the code chose to wait without waiting. Longer timers (request
/// timeouts) never fire.
/// </summary>
internal sealed class InstantDelayTimeProvider : TimeProvider
{
    public TimeSpan InstantBelow { get; init; } = TimeSpan.FromMinutes(5);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < InstantBelow && dueTime != Timeout.InfiniteTimeSpan)
        {
            Delays.Enqueue(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new InertTimer();
    }

    private sealed class InertTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
