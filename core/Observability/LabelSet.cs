using System.Globalization;

namespace SecretFleet.Core.Observability;

/// <summary>
/// The label set of one series: tag keys as recorded (for matching measurements) and
/// sanitized label names with string values (for rendering), sorted by label name.
/// </summary>
internal sealed class LabelSet
{
    public static readonly LabelSet Empty = new([], [], [], 0);

    private LabelSet(string[] keys, string[] names, string[] values, int hash)
    {
        Keys = keys;
        Names = names;
        Values = values;
        Hash = hash;
    }

    public string[] Keys { get; }

    public string[] Names { get; }

    public string[] Values { get; }

    public int Hash { get; }

    public int Count => Keys.Length;

    public static LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Empty;
        }

        var entries = new List<(string Key, string Name, string Value)>(tags.Length);
        Span<char> buffer = stackalloc char[64];
        foreach (var tag in tags)
        {
            var name = PrometheusNaming.LabelName(tag.Key);
            // A repeated key (or two keys that sanitize alike) would give a duplicate label: keep the first.
            if (entries.Exists(e => e.Name == name))
            {
                continue;
            }

            entries.Add((tag.Key, name, FormatValue(tag.Value, buffer).ToString()));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var keys = new string[entries.Count];
        var names = new string[entries.Count];
        var values = new string[entries.Count];
        var hash = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            (keys[i], names[i], values[i]) = entries[i];
            hash += PairHash(keys[i], values[i]);
        }

        return new LabelSet(keys, names, values, hash);
    }

    /// <summary>Order-independent, so a span of tags in any order hashes like the sorted set.</summary>
    public static int PairHash(ReadOnlySpan<char> key, ReadOnlySpan<char> value) =>
        HashCode.Combine(string.GetHashCode(key), string.GetHashCode(value));

    /// <summary>Renders a tag value without allocating for strings and span-formattable values.</summary>
    public static ReadOnlySpan<char> FormatValue(object? value, Span<char> buffer)
    {
        switch (value)
        {
            case null:
                return [];
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case ISpanFormattable f when f.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture):
                return buffer[..written];
            case IFormattable f:
                return f.ToString(null, CultureInfo.InvariantCulture);
            default:
                return value.ToString();
        }
    }

    public int CompareTo(LabelSet other)
    {
        for (var i = 0; i < Math.Min(Count, other.Count); i++)
        {
            var c = string.CompareOrdinal(Names[i], other.Names[i]);
            if (c == 0)
            {
                c = string.CompareOrdinal(Values[i], other.Values[i]);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return Count.CompareTo(other.Count);
    }
}
