namespace SecretFleet.KubeEmulator;

/// <summary>
/// A parsed <c>labelSelector</c> query: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>,
/// <c>k notin (a,b)</c>, <c>k</c> (exists), <c>!k</c> (does not exist), comma-separated and all required.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    public static LabelSelector Everything { get; } = new();

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r(labels));

    /// <summary>Parses a selector; a malformed one yields the message a real server returns with 400 BadRequest.</summary>
    public static (LabelSelector? Selector, string? Error) Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (selector, null);
        }

        foreach (var term in SplitTerms(text))
        {
            var requirement = ParseTerm(term.Trim());
            if (requirement is null)
            {
                return (null, $"unable to parse requirement: invalid label selector term \"{term.Trim()}\"");
            }

            selector._requirements.Add(requirement);
        }

        return (selector, null);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool>? ParseTerm(string term)
    {
        if (term.Length == 0)
        {
            return null;
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return IsKey(key) ? labels => !labels.ContainsKey(key) : null;
        }

        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = term[..at].Trim();
                var set = term[(at + op.Length)..].Trim();
                if (!IsKey(key) || !set.StartsWith('(') || !set.EndsWith(')'))
                {
                    return null;
                }

                var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                return negate
                    ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                    : labels => labels.TryGetValue(key, out var v) && values.Contains(v);
            }
        }

        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = term[..at].Trim();
                var value = term[(at + op.Length)..].Trim();
                if (!IsKey(key))
                {
                    return null;
                }

                return negate
                    ? labels => !labels.TryGetValue(key, out var v) || v != value
                    : labels => labels.TryGetValue(key, out var v) && v == value;
            }
        }

        return IsKey(term) ? labels => labels.ContainsKey(term) : null;
    }

    private static bool IsKey(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');

    /// <summary>Splits on commas outside parentheses, so <c>a in (x,y),b</c> is two terms.</summary>
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
