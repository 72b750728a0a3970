using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SecretFleet.Operator.Tests.Support;
using YamlDotNet.Serialization;

namespace SecretFleet.Operator.Tests.Charts;

/// <summary>
/// No helm binary exists here, so the chart's templates stay within a small subset of Go templates and this
/// renders them: <c>{{ .Values.a.b }}</c>, <c>.Release.Name/Namespace</c>, <c>.Chart.Name/Version/AppVersion</c>,
/// the pipes <c>quote</c> and <c>default X</c>, <c>toYaml X | nindent N</c>, <c>join "SEP" LIST</c>, <c>if/else/end</c> and the
/// <c>{{-</c>/<c>-}}</c> whitespace trimming. Anything else fails the test, which keeps the templates simple.
/// </summary>
internal sealed partial class ChartRenderer(string chartDirectory, IReadOnlyDictionary<string, object?> values, string releaseName, string releaseNamespace)
{
    private readonly Dictionary<string, object?> _chart = (Dictionary<string, object?>)Yaml.Load(File.ReadAllText(Path.Combine(chartDirectory, "Chart.yaml")))!;

    /// <summary>The chart's values.yaml with <paramref name="overrides"/> merged over it (maps merge, the rest replaces).</summary>
    public static Dictionary<string, object?> Values(string chartDirectory, Dictionary<string, object?>? overrides = null)
    {
        var values = (Dictionary<string, object?>)Yaml.Load(File.ReadAllText(Path.Combine(chartDirectory, "values.yaml")))!;
        return overrides is null ? values : Merge(values, overrides);
    }

    /// <summary>Every template (but NOTES.txt) rendered: file name → text.</summary>
    public IReadOnlyDictionary<string, string> RenderAll() =>
        Directory.GetFiles(Path.Combine(chartDirectory, "templates"), "*.yaml")
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), f => Render(File.ReadAllText(f), Path.GetFileName(f)));

    public string Render(string template, string name)
    {
        var output = new StringBuilder();
        var emitting = new Stack<(bool Outer, bool Taken)>();
        var active = true;
        var position = 0;
        var trimNext = false;
        foreach (Match action in Action().Matches(template))
        {
            var text = template[position..action.Index];
            if (trimNext)
            {
                text = text.TrimStart();
            }

            if (active)
            {
                output.Append(text);
            }

            if (action.Groups[1].Value == "-" && active)
            {
                TrimEnd(output);
            }

            trimNext = action.Groups[3].Value == "-";
            position = action.Index + action.Length;
            var body = action.Groups[2].Value.Trim();
            if (body.StartsWith("/*", StringComparison.Ordinal))
            {
                continue;
            }

            if (body.StartsWith("if ", StringComparison.Ordinal))
            {
                var taken = active && Truthy(Evaluate(body[3..], name));
                emitting.Push((active, taken));
                active = taken;
            }
            else if (body == "else")
            {
                var (outer, taken) = emitting.Pop();
                emitting.Push((outer, true));
                active = outer && !taken;
            }
            else if (body == "end")
            {
                active = emitting.Pop().Outer;
            }
            else if (active)
            {
                output.Append(Text(Evaluate(body, name)));
            }
        }

        Assert.True(emitting.Count == 0, $"{name}: an if has no end");
        var rest = template[position..];
        output.Append(trimNext ? rest.TrimStart() : rest);
        return output.ToString();
    }

    private object? Evaluate(string pipeline, string name)
    {
        var stages = pipeline.Split('|').Select(s => s.Trim()).ToList();
        object? value;
        var first = stages[0];
        if (first.StartsWith("toYaml ", StringComparison.Ordinal))
        {
            value = new SerializerBuilder().Build().Serialize(Lookup(first[7..].Trim(), name)).TrimEnd('\n');
        }
        else if (JoinCall().Match(first) is { Success: true } join)
        {
            // Sprig's join: the list's items as text, separated by SEP.
            var list = Lookup(join.Groups[2].Value, name);
            Assert.True(list is System.Collections.IEnumerable and not string, $"{name}: join needs a list, {join.Groups[2].Value} is not one");
            value = string.Join(join.Groups[1].Value, ((System.Collections.IEnumerable)list!).Cast<object?>().Select(Text));
        }
        else
        {
            value = Lookup(first, name);
        }

        foreach (var stage in stages.Skip(1))
        {
            if (stage == "quote")
            {
                value = $"\"{Text(value)}\"";
            }
            else if (stage.StartsWith("default ", StringComparison.Ordinal))
            {
                value = Truthy(value) ? value : Lookup(stage[8..].Trim(), name);
            }
            else if (stage.StartsWith("nindent ", StringComparison.Ordinal))
            {
                var indent = new string(' ', int.Parse(stage[8..], CultureInfo.InvariantCulture));
                value = "\n" + string.Join('\n', Text(value).Split('\n').Select(l => indent + l));
            }
            else
            {
                Assert.Fail($"{name}: the pipe '{stage}' is outside the subset the chart may use");
            }
        }

        return value;
    }

    private object? Lookup(string path, string name)
    {
        Assert.True(path.StartsWith('.'), $"{name}: '{path}' is not a .Values/.Release/.Chart reference");
        var parts = path[1..].Split('.');
        object? current = parts[0] switch
        {
            "Values" => values,
            "Release" => new Dictionary<string, object?> { ["Name"] = releaseName, ["Namespace"] = releaseNamespace },
            "Chart" => new Dictionary<string, object?> { ["Name"] = _chart["name"], ["Version"] = _chart["version"], ["AppVersion"] = _chart["appVersion"] },
            _ => throw new InvalidOperationException($"{name}: '{path}' is not a .Values/.Release/.Chart reference"),
        };
        foreach (var part in parts.Skip(1))
        {
            Assert.True(current is IReadOnlyDictionary<string, object?> map && map.ContainsKey(part), $"{name}: {path} is not in values.yaml (or the release/chart)");
            current = ((IReadOnlyDictionary<string, object?>)current)[part];
        }

        return current;
    }

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void TrimEnd(StringBuilder output)
    {
        var end = output.Length;
        while (end > 0 && char.IsWhiteSpace(output[end - 1]))
        {
            end--;
        }

        output.Length = end;
    }

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> into, Dictionary<string, object?> overrides)
    {
        var merged = new Dictionary<string, object?>(into);
        foreach (var (key, value) in overrides)
        {
            merged[key] = value is Dictionary<string, object?> map && merged.TryGetValue(key, out var existing) && existing is Dictionary<string, object?> current
                ? Merge(current, map)
                : value;
        }

        return merged;
    }

    [GeneratedRegex(@"^join ""([^""]*)"" (\.\S+)$")]
    private static partial Regex JoinCall();

    [GeneratedRegex(@"\{\{(-?)(.*?)(-?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();
}
