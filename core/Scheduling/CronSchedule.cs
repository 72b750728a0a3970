using System.Diagnostics.CodeAnalysis;
using Cronos;

namespace SecretFleet.Core.Scheduling;

/// <summary>
/// A five-field cron schedule (minute hour day-of-month month day-of-week) in UTC, as the
/// SecretCluster CRD allows it: <c>*</c>, lists, ranges, steps (<c>*/15</c>, <c>1-30/5</c>,
/// <c>5/15</c>), month and weekday names, 0 or 7 for Sunday. Occurrences come from Cronos.
/// </summary>
/// <remarks>
/// Cronos accepts more (<c>?</c>, <c>L</c>, <c>W</c>, <c>#</c>, macros, wrap-around ranges), so
/// <see cref="CronSyntax"/> checks the text first and names the field at fault. Day matching
/// follows Vixie cron, as Kubernetes CronJobs do: when both day fields are restricted, a day
/// matches if either does (Cronos alone requires both, so such a schedule is two Cronos
/// expressions and the earlier occurrence wins); a day field starting with <c>*</c> counts as
/// unrestricted, and then both must match. Times are UTC, so daylight saving never skips or
/// repeats an occurrence.
/// </remarks>
public sealed class CronSchedule
{
    private readonly CronExpression[] _alternatives;
    private readonly string _text;

    private CronSchedule(string text, CronExpression[] alternatives)
    {
        _text = text;
        _alternatives = alternatives;
    }

    /// <summary>Parses <paramref name="expression"/>.</summary>
    /// <exception cref="ScheduleFormatException">Not five fields of the allowed syntax; the message names the field and value.</exception>
    public static CronSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = CronSyntax.Validate(expression);
        var text = string.Join(' ', fields);
        CronExpression[] alternatives = fields[2].StartsWith('*') || fields[4].StartsWith('*')
            ? [Build(CronSyntax.ForCronos(fields), expression)]
            : [Build(CronSyntax.ForCronos([fields[0], fields[1], fields[2], fields[3], "*"]), expression),
               Build(CronSyntax.ForCronos([fields[0], fields[1], "*", fields[3], fields[4]]), expression)];
        return new CronSchedule(text, alternatives);
    }

    /// <summary>Parses <paramref name="expression"/>, or returns false with the reason.</summary>
    public static bool TryParse(string? expression, [NotNullWhen(true)] out CronSchedule? result, [NotNullWhen(false)] out string? error)
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

    /// <summary>
    /// The first whole minute strictly after <paramref name="after"/> that matches, in UTC; null
    /// if the schedule never fires (<c>0 0 30 2 *</c>) or not before the year 10000.
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        DateTime? earliest = null;
        foreach (var cron in _alternatives)
        {
            if (cron.GetNextOccurrence(after.UtcDateTime, TimeZoneInfo.Utc) is { } next && (earliest is null || next < earliest))
            {
                earliest = next;
            }
        }

        return earliest is { } utc ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
    }

    /// <summary>The expression as parsed (trimmed, single spaces).</summary>
    public override string ToString() => _text;

    private static CronExpression Build(string fields, string expression)
    {
        try
        {
            return CronExpression.Parse(fields, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            // CronSyntax admits only what Cronos parses; reaching this is a bug, still reported as bad input.
            throw new ScheduleFormatException("expression", expression, $"Cron expression '{expression}' is not valid: {e.Message}");
        }
    }
}
