using SecretFleet.Core.Scheduling;

namespace SecretFleet.Core.Tests.Scheduling;

[Trait("Category", "Unit")]
public sealed class RefreshScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2h", 7200)]
    [InlineData("1.5h", 5400)]
    [InlineData("1h0m30s", 3630)]
    [InlineData("+15m", 900)]
    [InlineData("10000ms", 10)]
    [InlineData(" 24h ", 86400)]
    public void Go_durations_parse(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Fact]
    public void Sub_second_units_parse()
    {
        Assert.Equal(TimeSpan.FromTicks(15), GoDuration.Parse("1.5us"));
        Assert.Equal(TimeSpan.FromTicks(1), GoDuration.Parse("100ns"));
        Assert.Equal(TimeSpan.FromTicks(20), GoDuration.Parse("2µs"));
        Assert.Equal(TimeSpan.FromMilliseconds(-1500), GoDuration.Parse("-1.5s"));
        Assert.Equal(TimeSpan.Zero, GoDuration.Parse("0"));
    }

    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(90, "1m30s")]
    [InlineData(86400, "24h")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0, "0s")]
    public void Durations_format_back_to_go_syntax(double seconds, string text)
    {
        var duration = TimeSpan.FromSeconds(seconds);

        Assert.Equal(text, GoDuration.Format(duration));
        Assert.Equal(duration, GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("10", "has the number '10' without a unit")]
    [InlineData("1d", "has the unknown unit 'd'")]
    [InlineData("h", "is not a duration")]
    [InlineData("1..5h", "is not a duration")]
    [InlineData("-", "is not a duration")]
    [InlineData("99999999999999h", "is too long")]
    [InlineData("0s", "is zero")]
    [InlineData("0", "is zero")]
    [InlineData("-5m", "is negative")]
    [InlineData("5s", "is shorter than the minimum 10s")]
    [InlineData("9999ms", "is shorter than the minimum 10s")]
    public void Bad_intervals_are_rejected_with_the_reason(string interval, string reason)
    {
        var e = Assert.Throws<ScheduleFormatException>(() => RefreshSchedule.FromInterval(interval));

        Assert.Equal("interval", e.Field);
        Assert.Equal(interval, e.Value);
        Assert.Contains($"interval '{interval}' {reason}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_must_set_exactly_one_of_schedule_and_interval()
    {
        Assert.Contains("both", Assert.Throws<ScheduleFormatException>(() => RefreshSchedule.Parse("0 3 * * *", "1h")).Message, StringComparison.Ordinal);
        Assert.Contains("neither", Assert.Throws<ScheduleFormatException>(() => RefreshSchedule.Parse(null, " ")).Message, StringComparison.Ordinal);
        Assert.NotNull(RefreshSchedule.Parse("0 3 * * *", null).Cron);
        Assert.Equal(TimeSpan.FromHours(1), RefreshSchedule.Parse(null, "1h").Interval);
    }

    [Fact]
    public void A_cron_schedule_that_never_fires_is_rejected()
    {
        var e = Assert.Throws<ScheduleFormatException>(() => RefreshSchedule.FromCron("0 0 30 2 *"));

        Assert.Contains("never fires", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@daily", "Cron macro '@daily' is not supported")]
    [InlineData("0 0 ? * MON", "day-of-month field '?' is not a number")]
    [InlineData("0 0 * * 8", "day-of-week field '8' is out of range 0-7")]
    public void Cron_syntax_the_crd_does_not_allow_is_rejected_with_the_field_at_fault(string expression, string reason)
    {
        var e = Assert.Throws<ScheduleFormatException>(() => RefreshSchedule.Parse(expression, null));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interval_is_due_one_interval_after_the_last_refresh()
    {
        var schedule = RefreshSchedule.FromInterval("10m");

        Assert.Equal(T0.AddMinutes(10), schedule.NextAfter(T0, T0.AddMinutes(3)));
    }

    [Fact]
    public void Cron_is_due_at_the_next_occurrence_after_the_last_refresh()
    {
        var schedule = RefreshSchedule.FromCron("*/15 * * * *");

        Assert.Equal(T0.AddMinutes(15), schedule.NextAfter(T0.AddMinutes(2), T0.AddMinutes(5)));
    }

    [Theory]
    [InlineData("10m")]
    [InlineData("0 * * * *")]
    public void A_missed_refresh_is_due_now_once_not_once_per_missed_occurrence(string spec)
    {
        var schedule = spec.Contains(' ', StringComparison.Ordinal) ? RefreshSchedule.FromCron(spec) : RefreshSchedule.FromInterval(spec);
        var now = T0.AddDays(3);

        Assert.Equal(now, schedule.NextAfter(T0, now));
    }

    [Fact]
    public void Schedules_print_as_written()
    {
        Assert.Equal("1h30m", RefreshSchedule.FromInterval("90m").ToString());
        Assert.Equal("0 3 * * *", RefreshSchedule.FromCron(" 0  3 * * * ").ToString());
    }
}
