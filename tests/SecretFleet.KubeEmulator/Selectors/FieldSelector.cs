using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A parsed <c>fieldSelector</c>: <c>path=value</c>, <c>path==value</c>, <c>path!=value</c>, comma-separated.
/// Paths are dotted JSON paths (<c>metadata.name</c>, <c>metadata.namespace</c>, <c>status.phase</c>, …);
/// a real server accepts only a few per kind, the emulator any.
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Negate)> _terms = [];

    public static FieldSelector Everything { get; } = new();

    /// <summary>The name a <c>metadata.name=x</c> term pins, which lets a watch skip parsing other objects.</summary>
    public string? Name { get; private set; }

    public bool IsEmpty => _terms.Count == 0;

    public static (FieldSelector? Selector, string? Error) Parse(string? text)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (selector, null);
        }

        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0)
            {
                return (null, $"invalid selector: '{text}'; can't understand '{term}'");
            }

            var path = parts[0].Trim();
            selector._terms.Add((path.Split('.'), parts[1].Trim(), negate));
            if (path == "metadata.name" && !negate)
            {
                selector.Name = parts[1].Trim();
            }
        }

        return (selector, null);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, value, negate) in _terms)
        {
            var actual = Cells.At(obj, path) switch
            {
                JsonValue v when Json.TryString(v, out var s) => s,
                null => "",
                var other => other.ToJsonString(),
            };
            if ((actual == value) == negate)
            {
                return false;
            }
        }

        return true;
    }
}
