namespace SecretFleet.Core.Scheduling;

/// <summary>
/// When a fleet refreshes its shares: on a cron schedule or every fixed interval
/// (the <c>refresh.schedule</c> or <c>refresh.interval</c> of a SecretCluster).
/// </summary>
public sealed class RefreshSchedule
{
    /// <summary>Shorter intervals are rejected: a refresh touches every share on every node.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    private static readonly DateTimeOffset NeverFiresProbe = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private RefreshSchedule(CronSchedule? cron, TimeSpan? interval)
    {
        Cron = cron;
        Interval = interval;
    }

    /// <summary>The cron expression, when the schedule is one.</summary>
    public CronSchedule? Cron { get; }

    /// <summary>The interval, when the schedule is one.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>A schedule from a cron expression.</summary>
    /// <exception cref="ScheduleFormatException">Malformed, or it never fires (<c>0 0 30 2 *</c>).</exception>
    public static RefreshSchedule FromCron(string expression)
    {
        var cron = CronSchedule.Parse(expression);
        // Every date pattern recurs within one 400-year Gregorian cycle, so no occurrence from 2000 on means never.
        if (cron.GetNextOccurrence(NeverFiresProbe) is null)
        {
            throw new ScheduleFormatException(
                "schedule", expression,
                $"schedule '{expression}' never fires (no month has that day); choose a day that exists.");
        }

        return new RefreshSchedule(cron, null);
    }

    /// <summary>A schedule from a Go duration such as <c>90s</c>, <c>10m</c>, <c>1h30m</c>.</summary>
    /// <exception cref="ScheduleFormatException">Malformed, zero, negative or under <see cref="MinimumInterval"/>.</exception>
    public static RefreshSchedule FromInterval(string interval)
    {
        var duration = GoDuration.Parse(interval);
        if (duration <= TimeSpan.Zero)
        {
            throw new ScheduleFormatException(
                "interval", interval,
                $"interval '{interval}' is {(duration == TimeSpan.Zero ? "zero" : "negative")}; write a positive duration such as '1h'.");
        }

        if (duration < MinimumInterval)
        {
            throw new ScheduleFormatException(
                "interval", interval,
                $"interval '{interval}' is shorter than the minimum {GoDuration.Format(MinimumInterval)}; refresh less often.");
        }

        return new RefreshSchedule(null, duration);
    }

    /// <summary>A schedule from a duration; the same limits as <see cref="FromInterval(string)"/>.</summary>
    public static RefreshSchedule FromInterval(TimeSpan interval) => FromInterval(GoDuration.Format(interval));

    /// <summary>From a spec: exactly one of <paramref name="schedule"/> (cron) and <paramref name="interval"/> must be set.</summary>
    /// <exception cref="ScheduleFormatException">Both or neither set, or the one set is invalid.</exception>
    public static RefreshSchedule Parse(string? schedule, string? interval)
    {
        var hasSchedule = !string.IsNullOrWhiteSpace(schedule);
        var hasInterval = !string.IsNullOrWhiteSpace(interval);
        return (hasSchedule, hasInterval) switch
        {
            (true, false) => FromCron(schedule!),
            (false, true) => FromInterval(interval!),
            (true, true) => throw new ScheduleFormatException(
                "refresh", $"{schedule} / {interval}", "refresh sets both schedule and interval; keep one of them."),
            _ => throw new ScheduleFormatException(
                "refresh", string.Empty, "refresh sets neither schedule nor interval; set one, e.g. interval '24h' or schedule '0 3 * * *'."),
        };
    }

    /// <summary>
    /// When the next refresh is due, given the last one (use the creation time if there was none).
    /// Never earlier than <paramref name="now"/>: a missed occurrence makes it due now, once,
    /// rather than once per missed occurrence.
    /// </summary>
    public DateTimeOffset NextAfter(DateTimeOffset lastRefresh, DateTimeOffset now)
    {
        var due = Interval is { } interval
            ? (lastRefresh.UtcTicks <= DateTimeOffset.MaxValue.UtcTicks - interval.Ticks ? lastRefresh + interval : DateTimeOffset.MaxValue)
            : Cron!.GetNextOccurrence(lastRefresh) ?? DateTimeOffset.MaxValue;
        return due < now ? now : due;
    }

    /// <summary>The cron expression, or the interval as a Go duration.</summary>
    public override string ToString() => Cron?.ToString() ?? GoDuration.Format(Interval!.Value);
}
