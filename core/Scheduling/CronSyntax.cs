using System.Globalization;

namespace SecretFleet.Core.Scheduling;

/// <summary>
/// The cron syntax the SecretCluster CRD allows (its pattern is five whitespace-separated
/// fields), checked before Cronos sees it: Cronos also takes <c>?</c>, <c>L</c>, <c>W</c>,
/// <c>#</c>, macros and wrap-around ranges such as <c>SAT-SUN</c>, which we refuse so that a
/// schedule means the same to every cron a user knows. Errors name the field and the value.
/// </summary>
internal static class CronSyntax
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static readonly Field[] Fields =
    [
        new("minute", 0, 59, null, 0),
        new("hour", 0, 23, null, 0),
        new("day-of-month", 1, 31, null, 0),
        new("month", 1, 12, MonthNames, 1),
        new("day-of-week", 0, 7, DayNames, 0),
    ];

    /// <summary>The five fields of <paramref name="expression"/>, each checked.</summary>
    /// <exception cref="ScheduleFormatException">Not five fields of the allowed syntax.</exception>
    public static string[] Validate(string expression)
    {
        var trimmed = expression.Trim();
        if (trimmed.StartsWith('@'))
        {
            throw new ScheduleFormatException(
                "expression", trimmed,
                $"Cron macro '{trimmed}' is not supported: a SecretCluster schedule is five fields (minute hour day-of-month month day-of-week), e.g. '0 0 * * *' for daily.");
        }

        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != Fields.Length)
        {
            var seconds = fields.Length == 6 ? "; seconds are not supported" : string.Empty;
            throw new ScheduleFormatException(
                "expression", expression,
                $"Cron expression '{expression}' has {fields.Length} fields; expected 5 (minute hour day-of-month month day-of-week){seconds}.");
        }

        for (var i = 0; i < fields.Length; i++)
        {
            foreach (var item in fields[i].Split(','))
            {
                Fields[i].CheckItem(item, expression);
            }
        }

        return fields;
    }

    /// <summary>
    /// The fields as Cronos reads them: Cronos takes <c>*</c> and <c>*/n</c> only as a whole field,
    /// so inside a list they become the explicit range (<c>*/12,3</c> → <c>0-59/12,3</c>); same meaning.
    /// </summary>
    public static string ForCronos(IReadOnlyList<string> fields) =>
        string.Join(' ', fields.Select((text, i) => text.Contains(',', StringComparison.Ordinal) ? Fields[i].ExplicitStars(text) : text));

    private sealed record Field(string Name, int Min, int Max, string[]? Names, int FirstNameValue)
    {
        public void CheckItem(string item, string expression)
        {
            if (item.Length == 0)
            {
                throw Error(item, "has an empty list item; remove the extra comma", expression);
            }

            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var range = slash < 0 ? item : item[..slash];
            if (range != "*")
            {
                var dash = range.IndexOf('-', StringComparison.Ordinal);
                var low = Value(dash < 0 ? range : range[..dash], expression);
                var high = dash < 0 ? low : Value(range[(dash + 1)..], expression);
                if (high < low)
                {
                    throw Error(range, $"is a backwards range; write the lower bound first ({high}-{low})", expression);
                }
            }

            if (slash >= 0)
            {
                var step = item[(slash + 1)..];
                if (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var every) || every < 1 || every > Max)
                {
                    throw Error(item, $"has step '{step}'; a step must be a whole number from 1 to {Max}", expression);
                }
            }
        }

        public string ExplicitStars(string text) =>
            string.Join(',', text.Split(',').Select(item => item.StartsWith('*') ? $"{Min}-{Max}{item[1..]}" : item));

        private int Value(string text, string expression)
        {
            if (Names is not null && Array.FindIndex(Names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is var index and >= 0)
            {
                return index + FirstNameValue;
            }

            if (text.Length == 0 || !text.All(char.IsAsciiDigit))
            {
                var hint = Names is null ? "a number" : $"a number or a name ({Names[0]}..{Names[^1]})";
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
}
