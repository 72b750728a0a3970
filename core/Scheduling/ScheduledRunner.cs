using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Core.Scheduling;

/// <summary>
/// Runs an async action when a <see cref="RefreshSchedule"/> says it is due, or at once on
/// <see cref="RequestRun"/>. Runs never overlap: a request made during a run causes exactly one
/// more run after it. A failed run is logged and retried after
/// <see cref="ScheduledRunnerOptions.RetryAfterFailure"/>; cancellation stops the loop.
/// Time comes from the injected <see cref="TimeProvider"/>, so tests drive it without sleeping.
/// </summary>
public sealed partial class ScheduledRunner(
    RefreshSchedule schedule,
    Func<CancellationToken, Task> action,
    TimeProvider timeProvider,
    ILogger<ScheduledRunner> logger,
    ScheduledRunnerOptions? options = null)
{
    // Timers cannot wait beyond ~49 days; waiting in slices also re-reads the clock after a jump.
    private static readonly TimeSpan MaxSingleWait = TimeSpan.FromHours(1);

    private readonly ScheduledRunnerOptions settings = options ?? new ScheduledRunnerOptions();
    private readonly Channel<bool> requests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private int started;
    private long nextRunTicks = -1;
    private long lastRunTicks = -1;

    /// <summary>When the next run is due; null while a run is in progress or before the loop starts.</summary>
    public DateTimeOffset? NextRunAt => ToTime(Interlocked.Read(ref nextRunTicks));

    /// <summary>When the latest run started; null before the first.</summary>
    public DateTimeOffset? LastRunAt => ToTime(Interlocked.Read(ref lastRunTicks));

    /// <summary>Asks for a run now; requests made while one is pending or running coalesce into one.</summary>
    public void RequestRun() => requests.Writer.TryWrite(true);

    /// <summary>Runs the schedule until <paramref name="cancellationToken"/> is cancelled; returns normally then.</summary>
    /// <exception cref="InvalidOperationException">The runner is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            throw new InvalidOperationException("This ScheduledRunner is already running; create one runner per loop.");
        }

        var last = settings.LastRun ?? timeProvider.GetUtcNow();
        DateTimeOffset? retryAt = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = timeProvider.GetUtcNow();
            var due = schedule.NextAfter(last, now);
            if (retryAt is { } retry && retry < due)
            {
                due = retry < now ? now : retry;
            }

            Interlocked.Exchange(ref nextRunTicks, due.UtcTicks);
            if (!await WaitUntilDueAsync(due, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            Interlocked.Exchange(ref nextRunTicks, -1);
            var runStart = timeProvider.GetUtcNow();
            Interlocked.Exchange(ref lastRunTicks, runStart.UtcTicks);
            last = runStart;
            try
            {
                await action(cancellationToken).ConfigureAwait(false);
                retryAt = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                retryAt = runStart + settings.RetryAfterFailure;
                LogRunFailed(logger, retryAt.Value, e);
            }
        }

        Interlocked.Exchange(ref nextRunTicks, -1);
    }

    /// <summary>True when due (or a run was requested), false when cancelled.</summary>
    private async Task<bool> WaitUntilDueAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (requests.Reader.TryRead(out _))
            {
                return true;
            }

            var remaining = due - timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(remaining < MaxSingleWait ? remaining : MaxSingleWait, timeProvider, wait.Token);
            var request = requests.Reader.WaitToReadAsync(wait.Token).AsTask();
            await Task.WhenAny(delay, request).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }

        return false;
    }

    private static DateTimeOffset? ToTime(long ticks) =>
        ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Scheduled run failed; retrying at {RetryAt:o}")]
    private static partial void LogRunFailed(ILogger logger, DateTimeOffset retryAt, Exception exception);
}
