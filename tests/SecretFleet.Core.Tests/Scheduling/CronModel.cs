using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace SecretFleet.Core.Tests.Scheduling;

/// <summary>
/// A random cron expression together with the values each field allows, computed here
/// independently of the parser, and a slow reference search over that model.
/// </summary>
internal sealed record CronModel(string Text, bool[][] Allowed, bool DayOfMonthStar, bool DayOfWeekStar)
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];

    public static Gen<CronModel> Generator { get; } =
        from fields in Gen.CollectToList(Enumerable.Range(0, 5).Select(FieldGen))
        select Build([.. fields]);

    /// <summary>Reference answer: walk day by day, then hour and minute, over the model's sets.</summary>
    public DateTimeOffset? SlowNext(DateTimeOffset after, int horizonDays)
    {
        var first = after.UtcDateTime;
        first = new DateTime(first.Year, first.Month, first.Day, first.Hour, first.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        for (var d = 0; d <= horizonDays; d++)
        {
            var day = first.Date.AddDays(d);
            if (!Allowed[3][day.Month] || !DayAllowed(day))
            {
                continue;
            }

            for (var minuteOfDay = 0; minuteOfDay < 24 * 60; minuteOfDay++)
            {
                var t = day.AddMinutes(minuteOfDay);
                if (t >= first && Allowed[1][t.Hour] && Allowed[0][t.Minute])
                {
                    return new DateTimeOffset(t);
                }
            }
        }

        return null;
    }

    /// <summary>True when the UTC minute of <paramref name="instant"/> satisfies every field of the model.</summary>
    public bool Matches(DateTimeOffset instant)
    {
        var t = instant.UtcDateTime;
        return Allowed[0][t.Minute] && Allowed[1][t.Hour] && Allowed[3][t.Month] && DayAllowed(t.Date);
    }

    private bool DayAllowed(DateTime day)
    {
        var dom = Allowed[2][day.Day];
        var dow = Allowed[4][(int)day.DayOfWeek] || (day.DayOfWeek == DayOfWeek.Sunday && Allowed[4][7]);
        return DayOfMonthStar || DayOfWeekStar ? dom && dow : dom || dow;
    }

    private static CronModel Build(List<(string Text, bool[] Allowed)> fields) => new(
        string.Join(' ', fields.Select(f => f.Text)),
        [.. fields.Select(f => f.Allowed)],
        fields[2].Text.StartsWith('*'),
        fields[4].Text.StartsWith('*'));

    private static Gen<(string Text, bool[] Allowed)> FieldGen(int field)
    {
        var (min, max) = Ranges[field];
        var item =
            from kind in Gen.Choose(0, 5)
            from a in Gen.Choose(min, max)
            from b in Gen.Choose(min, max)
            from step in Gen.Choose(1, max) // Steps past the field maximum are refused (Cronos does too).
            select Item(field, kind, Math.Min(a, b), Math.Max(a, b), step);
        return from count in Gen.Choose(1, 3)
               from items in Gen.ListOf(item, count)
               select Merge(field, [.. items]);
    }

    private static (string Text, int[] Values) Item(int field, int kind, int a, int b, int step)
    {
        var (min, max) = Ranges[field];
        return kind switch
        {
            0 => ("*", Range(min, max, 1)),
            1 => ($"*/{step}", Range(min, max, step)),
            2 => (Value(field, a), [a]),
            3 => ($"{Value(field, a)}-{Value(field, b)}", Range(a, b, 1)),
            4 => ($"{Value(field, a)}-{Value(field, b)}/{step}", Range(a, b, step)),
            _ => ($"{Value(field, a)}/{step}", Range(a, max, step)),
        };
    }

    private static (string Text, bool[] Allowed) Merge(int field, List<(string Text, int[] Values)> items)
    {
        var allowed = new bool[Ranges[field].Max + 1];
        foreach (var value in items.SelectMany(i => i.Values))
        {
            allowed[value] = true;
        }

        return (string.Join(',', items.Select(i => i.Text)), allowed);
    }

    /// <summary>Numbers, sometimes written as names where the field has them.</summary>
    private static string Value(int field, int value) => (field, value % 2) switch
    {
        (3, 0) => MonthNames[value - 1].ToLowerInvariant(),
        (4, 0) when value < 7 => DayNames[value],
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private static int[] Range(int from, int to, int step)
    {
        var values = new List<int>();
        for (var v = from; v <= to; v += step)
        {
            values.Add(v);
        }

        return [.. values];
    }
}
