using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace SecretFleet.Core.Scheduling;

/// <summary>
/// A standard five-field cron expression (minute hour day-of-month month day-of-week), in UTC.
/// Supports <c>*</c>, lists, ranges, steps (<c>*/15</c>, <c>1-30/5</c>, <c>5/15</c>), month and
/// weekday names (<c>JAN</c>, <c>MON</c>), 0 or 7 for Sunday, and the macros <c>@hourly</c>,
/// <c>@daily</c> (<c>@midnight</c>), <c>@weekly</c>, <c>@monthly</c>, <c>@yearly</c> (<c>@annually</c>).
/// </summary>
/// <remarks>
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted, a
/// day matches if either does; a field whose text starts with <c>*</c> (also <c>*/2</c>) counts
/// as unrestricted, and then both must match. Times are UTC, so daylight saving never skips or
/// repeats an occurrence.
/// </remarks>
public sealed class CronExpression
{
    private static readonly int[] MaxDaysInMonth = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    private readonly ulong minutes;
    private readonly ulong hours;
    private readonly ulong daysOfMonth;
    private readonly ulong months;
    private readonly ulong daysOfWeek;
    private readonly bool eitherDayMatches;
    private readonly bool canFire;
    private readonly string text;

    private CronExpression(string text, string[] fields)
    {
        this.text = text;
        minutes = CronField.Minute.Parse(fields[0], text);
        hours = CronField.Hour.Parse(fields[1], text);
        daysOfMonth = CronField.DayOfMonth.Parse(fields[2], text);
        months = CronField.Month.Parse(fields[3], text);
        var dow = CronField.DayOfWeek.Parse(fields[4], text);
        daysOfWeek = (dow | (dow >> 7)) & 0x7F;
        eitherDayMatches = !fields[2].StartsWith('*') && !fields[4].StartsWith('*');
        canFire = eitherDayMatches || SomeMonthHasOneOfTheDays();
    }

    /// <summary>Parses <paramref name="expression"/>.</summary>
    /// <exception cref="ScheduleFormatException">The expression is malformed; the message names the field and value.</exception>
    public static CronExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var trimmed = expression.Trim();
        if (trimmed.StartsWith('@'))
        {
            var expanded = ExpandMacro(trimmed)
                ?? throw new ScheduleFormatException(
                    "expression", trimmed,
                    $"Cron macro '{trimmed}' is not supported; use @hourly, @daily, @weekly, @monthly or @yearly, or five fields.");
            return new CronExpression(trimmed, expanded.Split(' '));
        }

        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            var seconds = fields.Length == 6 ? "; seconds are not supported" : string.Empty;
            throw new ScheduleFormatException(
                "expression", expression,
                $"Cron expression '{expression}' has {fields.Length} fields; expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily{seconds}.");
        }

        return new CronExpression(string.Join(' ', fields), fields);
    }

    /// <summary>Parses <paramref name="expression"/>, or returns false with the reason.</summary>
    public static bool TryParse(
        string? expression, [NotNullWhen(true)] out CronExpression? result, [NotNullWhen(false)] out string? error)
    {
        try
        {
            result = Parse(expression ?? string.Empty);
            error = null;
            return true;
        }
        catch (ScheduleFormatException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>False for expressions no calendar date satisfies, such as <c>0 0 30 2 *</c>.</summary>
    public bool CanFire => canFire;

    /// <summary>
    /// The first whole minute strictly after <paramref name="after"/> that matches, in UTC; null
    /// if the expression never fires (or not before year 9999). Jumps field by field, so it costs
    /// at most a few thousand steps even for rare dates such as 29 February on a Monday.
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        if (!canFire)
        {
            return null;
        }

        var utc = after.UtcDateTime;
        var ticks = utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute) + TimeSpan.TicksPerMinute;
        if (ticks > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        var start = new DateTime(ticks, DateTimeKind.Utc);
        int year = start.Year, month = start.Month, day = start.Day, hour = start.Hour, minute = start.Minute;
        // Every month/day/weekday combination recurs within one 400-year Gregorian cycle.
        var lastYear = Math.Min(9999, year + 400);
        while (year <= lastYear)
        {
            if ((months & (1UL << month)) == 0)
            {
                var next = NextBit(months, month + 1);
                if (next < 0)
                {
                    year++;
                    next = NextBit(months, 1);
                }

                (month, day, hour, minute) = (next, 1, 0, 0);
                continue;
            }

            if (day > DateTime.DaysInMonth(year, month))
            {
                if (month == 12)
                {
                    (year, month) = (year + 1, 1);
                }
                else
                {
                    month++;
                }

                (day, hour, minute) = (1, 0, 0);
                continue;
            }

            if (!DayMatches(year, month, day))
            {
                (day, hour, minute) = (day + 1, 0, 0);
                continue;
            }

            var nextHour = NextBit(hours, hour);
            if (nextHour < 0)
            {
                (day, hour, minute) = (day + 1, 0, 0);
                continue;
            }

            if (nextHour != hour)
            {
                (hour, minute) = (nextHour, 0);
            }

            var nextMinute = NextBit(minutes, minute);
            if (nextMinute < 0)
            {
                (hour, minute) = (hour + 1, 0);
                if (hour == 24)
                {
                    (day, hour) = (day + 1, 0);
                }

                continue;
            }

            return new DateTimeOffset(year, month, day, hour, nextMinute, 0, TimeSpan.Zero);
        }

        return null;
    }

    /// <summary>True when <paramref name="instant"/>'s UTC minute matches every field.</summary>
    public bool Matches(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return (minutes & (1UL << utc.Minute)) != 0
            && (hours & (1UL << utc.Hour)) != 0
            && (months & (1UL << utc.Month)) != 0
            && DayMatches(utc.Year, utc.Month, utc.Day);
    }

    /// <summary>The expression as parsed (trimmed, single spaces).</summary>
    public override string ToString() => text;

    private static string? ExpandMacro(string macro) => macro.ToUpperInvariant() switch
    {
        "@HOURLY" => "0 * * * *",
        "@DAILY" or "@MIDNIGHT" => "0 0 * * *",
        "@WEEKLY" => "0 0 * * 0",
        "@MONTHLY" => "0 0 1 * *",
        "@YEARLY" or "@ANNUALLY" => "0 0 1 1 *",
        _ => null,
    };

    private static int NextBit(ulong bits, int from)
    {
        if (from > 63)
        {
            return -1;
        }

        var rest = bits & (ulong.MaxValue << from);
        return rest == 0 ? -1 : BitOperations.TrailingZeroCount(rest);
    }

    private bool DayMatches(int year, int month, int day)
    {
        var dom = (daysOfMonth & (1UL << day)) != 0;
        var dow = (daysOfWeek & (1UL << (int)new DateTime(year, month, day).DayOfWeek)) != 0;
        return eitherDayMatches ? dom || dow : dom && dow;
    }

    private bool SomeMonthHasOneOfTheDays()
    {
        for (var month = 1; month <= 12; month++)
        {
            if ((months & (1UL << month)) != 0 && NextBit(daysOfMonth, 1) is var first && first > 0 && first <= MaxDaysInMonth[month])
            {
                return true;
            }
        }

        return false;
    }
}
