namespace SecretFleet.Core.Observability;

/// <summary>
/// Equality of label sets, and of a measurement's tag span against a stored set, so the
/// hot path finds an existing series without allocating a key.
/// </summary>
internal sealed class LabelSetComparer :
    IEqualityComparer<LabelSet>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, LabelSet>
{
    public static readonly LabelSetComparer Instance = new();

    public bool Equals(LabelSet? x, LabelSet? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Hash != y.Hash || x.Count != y.Count)
        {
            return false;
        }

        // Both are sorted by label name; keys sanitize to the names, so compare keys and values in order.
        for (var i = 0; i < x.Count; i++)
        {
            if (!string.Equals(x.Keys[i], y.Keys[i], StringComparison.Ordinal)
                || !string.Equals(x.Values[i], y.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(LabelSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, LabelSet other)
    {
        if (alternate.Length != other.Count)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[64];
        for (var i = 0; i < other.Count; i++)
        {
            var found = false;
            foreach (var tag in alternate)
            {
                if (string.Equals(tag.Key, other.Keys[i], StringComparison.Ordinal))
                {
                    found = LabelSet.FormatValue(tag.Value, buffer).SequenceEqual(other.Values[i]);
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
    {
        Span<char> buffer = stackalloc char[64];
        var hash = 0;
        foreach (var tag in alternate)
        {
            hash += LabelSet.PairHash(tag.Key, LabelSet.FormatValue(tag.Value, buffer));
        }

        return hash;
    }

    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => LabelSet.Create(alternate);
}
