using SecretFleet.Core.Scheduling;

namespace SecretFleet.Core.Tests.Scheduling;

[Trait("Category", "Unit")]
public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("*/15 * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:15:00Z")]
    [InlineData("*/15 * * * *", "2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z")]
    [InlineData("*/15 * * * *", "2026-01-01T23:59:00Z", "2026-01-02T00:00:00Z")]
    [InlineData("0 0 * * *", "2026-03-10T23:59:59.999Z", "2026-03-11T00:00:00Z")]
    [InlineData("1-30/5 * * * *", "2026-01-01T10:27:00Z", "2026-01-01T11:01:00Z")]
    [InlineData("5/20 * * * *", "2026-01-01T10:46:00Z", "2026-01-01T11:05:00Z")]
    [InlineData("0,30 8-9 * * *", "2026-01-01T09:30:00Z", "2026-01-02T08:00:00Z")]
    [InlineData("0 9 * * MON-FRI", "2026-11-21T12:00:00Z", "2026-11-23T09:00:00Z")]
    [InlineData("0 12 * * 7", "2026-11-21T00:00:00Z", "2026-11-22T12:00:00Z")]
    [InlineData("0 12 * * 0", "2026-11-21T00:00:00Z", "2026-11-22T12:00:00Z")]
    [InlineData("0 12 * * sun", "2026-11-21T00:00:00Z", "2026-11-22T12:00:00Z")]
    [InlineData("0 0 1 jan *", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 1 MAR-MAY/2 *", "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z")]
    [InlineData("0 0 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z")]
    [InlineData("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z")]
    [InlineData("30 6 * * *", "2026-06-15T08:00:00+02:00", "2026-06-15T06:30:00Z")]
    [InlineData("30 6 * * *", "2026-06-15T08:31:00+02:00", "2026-06-16T06:30:00Z")]
    public void Next_occurrence_is_the_first_matching_minute_strictly_after(string expression, string after, string expected)
    {
        var next = CronSchedule.Parse(expression).GetNextOccurrence(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Fact]
    public void Restricted_day_of_month_and_day_of_week_match_either()
    {
        // 2 January 2026 is a Friday, before the 13th.
        var next = CronSchedule.Parse("0 0 13 * FRI").GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void A_day_field_starting_with_a_star_is_unrestricted_so_both_must_match()
    {
        // Vixie cron: "*/2" sets the star flag; odd days that are Fridays: 9 January 2026.
        var next = CronSchedule.Parse("0 0 */2 * FRI").GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 1, 9, 0, 0, 0, TimeSpan.Zero), next);
    }

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4,6,9,11 *")]
    [InlineData("0 0 30,31 FEB *")]
    public void Impossible_schedules_return_null_at_once(string expression)
    {
        var cron = CronSchedule.Parse(expression);
        var next = cron.GetNextOccurrence(DateTimeOffset.UnixEpoch);

        Assert.Null(next);
    }

    [Fact]
    public void Rare_but_possible_schedules_are_found()
    {
        // "*/7" in day-of-week is Sunday with the star flag, so both day fields must match:
        // 29 February on a Sunday, next in 2032 and then 2060.
        var cron = CronSchedule.Parse("0 0 29 2 */7");

        Assert.Equal(new DateTimeOffset(2032, 2, 29, 0, 0, 0, TimeSpan.Zero), cron.GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2060, 2, 29, 0, 0, 0, TimeSpan.Zero), cron.GetNextOccurrence(new DateTimeOffset(2032, 2, 29, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Occurrences_past_year_9999_are_null()
    {
        var next = CronSchedule.Parse("0 0 1 1 *").GetNextOccurrence(new DateTimeOffset(9999, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Null(next);
    }

    [Theory]
    [InlineData("0 0 * * 8", "day-of-week", "8", "day-of-week field '8' is out of range 0-7")]
    [InlineData("60 * * * *", "minute", "60", "minute field '60' is out of range 0-59")]
    [InlineData("* 24 * * *", "hour", "24", "hour field '24' is out of range 0-23")]
    [InlineData("* * 0 * *", "day-of-month", "0", "day-of-month field '0' is out of range 1-31")]
    [InlineData("* * * 13 *", "month", "13", "month field '13' is out of range 1-12")]
    [InlineData("* * * 1-99999999999 *", "month", "99999999999", "month field '99999999999' is out of range 1-12")]
    [InlineData("* * * FOO *", "month", "FOO", "month field 'FOO' is not a number or a name (JAN..DEC)")]
    [InlineData("MON * * * *", "minute", "MON", "minute field 'MON' is not a number")]
    [InlineData("*/0 * * * *", "minute", "*/0", "minute field '*/0' has step '0'")]
    [InlineData("*/x * * * *", "minute", "*/x", "minute field '*/x' has step 'x'")]
    [InlineData("5-1 * * * *", "minute", "5-1", "minute field '5-1' is a backwards range")]
    [InlineData("1,,2 * * * *", "minute", "", "minute field '' has an empty list item")]
    [InlineData("? * * * *", "minute", "?", "minute field '?' is not a number")]
    [InlineData("* * * *", "expression", "* * * *", "has 4 fields; expected 5")]
    [InlineData("0 * * * * *", "expression", "0 * * * * *", "seconds are not supported")]
    [InlineData("", "expression", "", "has 0 fields")]
    [InlineData("@reboot", "expression", "@reboot", "Cron macro '@reboot' is not supported")]
    [InlineData("@daily", "expression", "@daily", "e.g. '0 0 * * *' for daily")]
    [InlineData("0 0 L * *", "day-of-month", "L", "day-of-month field 'L' is not a number")]
    [InlineData("0 0 1W * *", "day-of-month", "1W", "day-of-month field '1W' is not a number")]
    [InlineData("0 0 * * 5#3", "day-of-week", "5#3", "day-of-week field '5#3' is not a number or a name (SUN..SAT)")]
    [InlineData("0 0 * * SAT-SUN", "day-of-week", "SAT-SUN", "is a backwards range")]
    [InlineData("*/60 * * * *", "minute", "*/60", "a step must be a whole number from 1 to 59")]
    public void Malformed_expressions_name_the_field_and_value(string expression, string field, string value, string message)
    {
        var e = Assert.Throws<ScheduleFormatException>(() => CronSchedule.Parse(expression));

        Assert.IsAssignableFrom<FormatException>(e);
        Assert.Equal(field, e.Field);
        Assert.Equal(value, e.Value);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_reports_the_reason_instead_of_throwing()
    {
        Assert.False(CronSchedule.TryParse("0 0 * * 8", out var none, out var error));
        Assert.Null(none);
        Assert.Contains("day-of-week field '8' is out of range 0-7", error, StringComparison.Ordinal);
        Assert.True(CronSchedule.TryParse("  0   0 * * 1 ", out var cron, out _));
        Assert.Equal("0 0 * * 1", cron.ToString());
    }
}
