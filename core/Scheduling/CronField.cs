using System.Globalization;

namespace SecretFleet.Core.Scheduling;

/// <summary>
/// One of the five cron fields: its range, its names, and the parser turning its text
/// (<c>*</c>, lists, ranges, steps, names) into a bit set of allowed values.
/// </summary>
internal sealed class CronField
{
    public static readonly CronField Minute = new("minute", 0, 59, null);
    public static readonly CronField Hour = new("hour", 0, 23, null);
    public static readonly CronField DayOfMonth = new("day-of-month", 1, 31, null);
    public static readonly CronField Month = new(
        "month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]);

    /// <summary>0 and 7 are both Sunday; 7 is folded onto bit 0 after parsing.</summary>
    public static readonly CronField DayOfWeek = new("day-of-week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]);

    private readonly string[]? names;

    private CronField(string name, int min, int max, string[]? names)
    {
        Name = name;
        Min = min;
        Max = max;
        this.names = names;
    }

    public string Name { get; }

    public int Min { get; }

    public int Max { get; }

    /// <summary>Bits <see cref="Min"/>..<see cref="Max"/> set for each allowed value.</summary>
    public ulong Parse(string text, string expression)
    {
        ulong bits = 0;
        foreach (var item in text.Split(','))
        {
            bits |= ParseItem(item, expression);
        }

        return bits;
    }

    private ulong ParseItem(string item, string expression)
    {
        if (item.Length == 0)
        {
            throw Error(item, "has an empty list item; remove the extra comma", expression);
        }

        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var rangeText = slash < 0 ? item : item[..slash];
        int low, high;
        if (rangeText == "*")
        {
            (low, high) = (Min, Max);
        }
        else
        {
            var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
            low = ParseValue(dash < 0 ? rangeText : rangeText[..dash], expression);
            // "5/15" means 5 through the end, every 15 (robfig/cron, which Kubernetes CronJobs use).
            high = dash >= 0 ? ParseValue(rangeText[(dash + 1)..], expression) : slash >= 0 ? Max : low;
            if (high < low)
            {
                throw Error(rangeText, $"is a backwards range; write the lower bound first ({high}-{low})", expression);
            }
        }

        var step = 1;
        if (slash >= 0)
        {
            var stepText = item[(slash + 1)..];
            if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
            {
                throw Error(item, $"has step '{stepText}'; a step must be a whole number of at least 1", expression);
            }
        }

        ulong bits = 0;
        for (var value = low; value <= high; value += step)
        {
            bits |= 1UL << value;
        }

        return bits;
    }

    private int ParseValue(string text, string expression)
    {
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index + (this == Month ? 1 : 0);
            }
        }

        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            var hint = names is null ? "a number" : $"a number or a name ({names[0]}..{names[^1]})";
            throw Error(text, $"is not {hint}", expression);
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < Min || value > Max)
        {
            throw Error(text, $"is out of range {Min}-{Max}", expression);
        }

        return value;
    }

    private ScheduleFormatException Error(string value, string problem, string expression) =>
        new(Name, value, $"{Name} field '{value}' {problem} in cron expression '{expression}'.");
}
