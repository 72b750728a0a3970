using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>[0]</c>, <c>[*]</c> and filters
/// <c>[?(@.type=="Ready")]</c>. Several matches join with commas, as kubectl shows them.
/// </summary>
internal static partial class SimpleJsonPath
{
    public static Func<JsonObject, JsonNode?> Compile(string path)
    {
        var steps = Steps().Matches(path.Trim().TrimStart('{').TrimEnd('}')).Select(m => m.Value).ToList();
        return obj =>
        {
            var current = new List<JsonNode?> { obj };
            foreach (var step in steps)
            {
                current = [.. current.SelectMany(node => Apply(node, step))];
            }

            var values = current.Where(v => v is not null).ToList();
            return values.Count switch
            {
                0 => null,
                1 => values[0]!.DeepClone(),
                _ => string.Join(",", values.Select(v => Json.String(v) ?? v!.ToJsonString())),
            };
        };
    }

    private static IEnumerable<JsonNode?> Apply(JsonNode? node, string step)
    {
        if (step.StartsWith('.'))
        {
            return node is JsonObject o && o.TryGetPropertyValue(step[1..], out var child) ? [child] : [];
        }

        var inner = step[1..^1];
        if (node is not JsonArray list)
        {
            return [];
        }

        if (inner == "*")
        {
            return list;
        }

        if (int.TryParse(inner, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            return index >= 0 && index < list.Count ? [list[index]] : [];
        }

        var filter = Filter().Match(inner);
        if (!filter.Success)
        {
            return [];
        }

        var field = filter.Groups["field"].Value.Split('.');
        var expected = filter.Groups["value"].Value;
        return list.Where(item => Json.String(Cells.At(item, field)) == expected || Cells.At(item, field)?.ToJsonString() == expected);
    }

    [GeneratedRegex(@"\.[^.\[]+|\[[^\]]*\]")]
    private static partial Regex Steps();

    [GeneratedRegex(@"^\?\(@\.(?<field>[\w.]+)\s*==\s*[""']?(?<value>[^""']*)[""']?\)$")]
    private static partial Regex Filter();
}
