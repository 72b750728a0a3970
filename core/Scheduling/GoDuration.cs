using System.Globalization;
using System.Text;

namespace SecretFleet.Core.Scheduling;

/// <summary>
/// Durations in Go's <c>time.ParseDuration</c> syntax, as Kubernetes specs write them:
/// <c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>1.5h</c>, <c>500ms</c>; units ns, us (µs), ms, s, m, h.
/// </summary>
public static class GoDuration
{
    private const string Example = "write a duration such as '90s', '10m' or '1h30m'";

    /// <summary>Parses <paramref name="text"/>; <paramref name="field"/> names it in error messages.</summary>
    /// <exception cref="ScheduleFormatException">The text is not a Go duration.</exception>
    public static TimeSpan Parse(string text, string field = "interval")
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s.Length == 0)
        {
            throw Error(field, text, $"is empty; {Example}");
        }

        var negative = s[0] == '-';
        var i = s[0] is '-' or '+' ? 1 : 0;
        if (s[i..] == "0")
        {
            return TimeSpan.Zero;
        }

        if (i == s.Length)
        {
            throw Error(field, text, $"is not a duration; {Example}");
        }

        decimal nanoseconds = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var number = s[numberStart..i];
            if (number.Length == 0 || number == "." || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                throw Error(field, text, $"is not a duration; {Example}");
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            var unit = s[unitStart..i];
            if (unit.Length == 0)
            {
                throw Error(field, text, $"has the number '{number}' without a unit; add one of h, m, s, ms, us, ns (e.g. '{number}m')");
            }

            var perUnit = unit switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => throw Error(field, text, $"has the unknown unit '{unit}'; use h, m, s, ms, us or ns (there is no day unit: write '24h')"),
            };
            nanoseconds += amount * perUnit;
            if (nanoseconds / 100 > TimeSpan.MaxValue.Ticks)
            {
                throw Error(field, text, "is too long");
            }
        }

        var ticks = (long)(nanoseconds / 100);
        return TimeSpan.FromTicks(negative ? -ticks : ticks);
    }

    /// <summary>Formats like Go without zero parts: <c>1h30m</c>, <c>90s</c> → <c>1m30s</c>, <c>1.5s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
            duration = duration.Duration();
        }

        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (duration.Minutes > 0)
        {
            builder.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = duration.Seconds + (duration.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
        if (seconds > 0)
        {
            builder.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s');
        }

        return builder.ToString();
    }

    private static ScheduleFormatException Error(string field, string text, string problem) =>
        new(field, text, $"{field} '{text}' {problem}.");
}
