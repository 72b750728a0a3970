using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A set of field paths in the vocabulary of <c>managedFields</c> (FieldsV1): <c>f:name</c> for a field,
/// <c>k:{"name":"c"}</c> for a list-map item, <c>.</c> for the item itself. A path is stored as its
/// elements joined by U+001F.
/// </summary>
internal sealed class FieldSet
{
    public const char Separator = '\u001f';

    private readonly HashSet<string> _paths;

    public FieldSet(IEnumerable<string>? paths = null) => _paths = new HashSet<string>(paths ?? [], StringComparer.Ordinal);

    public IReadOnlyCollection<string> Paths => _paths;

    public bool IsEmpty => _paths.Count == 0;

    public bool Contains(string path) => _paths.Contains(path);

    public FieldSet Union(FieldSet other) => new(_paths.Concat(other._paths));

    public FieldSet Except(FieldSet other) => new(_paths.Where(p => !other._paths.Contains(p)));

    public FieldSet Intersect(FieldSet other) => new(_paths.Where(other._paths.Contains));

    public FieldSet Where(Func<string, bool> keep) => new(_paths.Where(keep));

    /// <summary>Every field <paramref name="obj"/> sets inside <paramref name="scope"/>.</summary>
    public static FieldSet FromObject(JsonObject obj, FieldScope scope)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key == "metadata" && !scope.StatusOnly && value is JsonObject metadata)
            {
                foreach (var (field, fieldValue) in metadata.Where(p => !FieldScope.IsSystemMetadata(p.Key)))
                {
                    Collect(field, fieldValue, "f:metadata" + Separator, paths);
                }
            }
            else if (key != "metadata" && scope.Includes(key))
            {
                Collect(key, value, "", paths);
            }
        }

        return new FieldSet(paths);
    }

    public static FieldSet FromFieldsV1(JsonObject fields)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        Read(fields, "", paths);
        return new FieldSet(paths);
    }

    public JsonObject ToFieldsV1()
    {
        var root = new JsonObject();
        foreach (var path in _paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var element in path.Split(Separator))
            {
                if (node[element] is not JsonObject child)
                {
                    child = [];
                    node[element] = child;
                }

                node = child;
            }
        }

        return root;
    }

    /// <summary>How a real server prints a path in apply conflicts: <c>.spec.containers[name="c"].image</c>.</summary>
    public static string Display(string path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var element in path.Split(Separator))
        {
            if (element.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(element[2..]);
            }
            else if (element.StartsWith("k:", StringComparison.Ordinal))
            {
                var key = JsonNode.Parse(element[2..])!.AsObject();
                text.Append('[').AppendJoin(",", key.Select(p => $"{p.Key}={p.Value?.ToJsonString()}")).Append(']');
            }
        }

        return text.ToString();
    }

    private static void Collect(string field, JsonNode? value, string prefix, HashSet<string> paths)
    {
        var path = prefix + "f:" + field;
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (key, child) in o)
                {
                    Collect(key, child, path + Separator, paths);
                }

                break;
            case JsonArray { Count: > 0 } list when ListMapKeys.For(field, list) is { } keys:
                foreach (var item in list.OfType<JsonObject>())
                {
                    var itemPath = path + Separator + "k:" + ListMapKeys.KeyOf(item, keys);
                    paths.Add(itemPath + Separator + ".");
                    foreach (var (key, child) in item)
                    {
                        Collect(key, child, itemPath + Separator, paths);
                    }
                }

                break;
            default:
                paths.Add(path);
                break;
        }
    }

    private static void Read(JsonObject node, string prefix, HashSet<string> paths)
    {
        foreach (var (key, child) in node)
        {
            var path = prefix + key;
            if (child is JsonObject { Count: > 0 } nested)
            {
                Read(nested, path + Separator, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }
}
