using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>Navigation, removal and merging of objects along <see cref="FieldSet"/> paths.</summary>
internal static class ObjectTree
{
    /// <summary>The node at a path (the list item itself for a path ending in <c>.</c>), or null when absent.</summary>
    public static (bool Found, JsonNode? Value) At(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var element in path.Split(FieldSet.Separator))
        {
            if (element == ".")
            {
                continue;
            }

            if (!Step(node, element, out node))
            {
                return (false, null);
            }
        }

        return (true, node);
    }

    /// <summary>Removes the field (or list item) at a path and then any map the removal left empty.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var elements = path.Split(FieldSet.Separator);
        if (elements[^1] == ".")
        {
            elements = elements[..^1];
        }
        else if (elements.Length > 1 && elements[^2].StartsWith("k:", StringComparison.Ordinal)
            && JsonNode.Parse(elements[^2][2..])!.AsObject().ContainsKey(elements[^1][2..]))
        {
            // A list item's key field goes with the item, never alone.
            return;
        }

        var chain = new List<JsonNode?> { root };
        JsonNode? node = root;
        foreach (var element in elements[..^1])
        {
            if (!Step(node, element, out node))
            {
                return;
            }

            chain.Add(node);
        }

        RemoveChild(chain[^1], elements[^1]);
        for (var i = chain.Count - 1; i > 0; i--)
        {
            if (chain[i] is JsonObject { Count: 0 } or JsonArray { Count: 0 })
            {
                RemoveChild(chain[i - 1], elements[i - 1]);
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>
    /// Merges an applied configuration into an object: maps field by field, list-maps item by item (by key),
    /// everything else (scalars, atomic lists) replaced.
    /// </summary>
    public static void Merge(JsonObject target, JsonObject applied)
    {
        foreach (var (key, value) in applied)
        {
            if (value is JsonObject appliedMap && appliedMap.Count > 0 && target[key] is JsonObject targetMap)
            {
                Merge(targetMap, appliedMap);
            }
            else if (value is JsonArray appliedList && target[key] is JsonArray targetList && ListMapKeys.For(key, appliedList, targetList) is { } keys)
            {
                foreach (var item in appliedList.OfType<JsonObject>())
                {
                    if (ListMapKeys.Find(targetList, keys, ListMapKeys.KeyOf(item, keys)) is { } existing)
                    {
                        Merge(existing, item);
                    }
                    else
                    {
                        targetList.Add(item.DeepClone());
                    }
                }
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>Drops <c>null</c> fields: in an applied configuration they mean "no opinion".</summary>
    public static void StripNulls(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            obj.Remove(key);
        }

        foreach (var (_, value) in obj)
        {
            switch (value)
            {
                case JsonObject child:
                    StripNulls(child);
                    break;
                case JsonArray list:
                    foreach (var item in list.OfType<JsonObject>())
                    {
                        StripNulls(item);
                    }

                    break;
            }
        }
    }

    private static bool Step(JsonNode? node, string element, out JsonNode? next)
    {
        next = null;
        if (element.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject o && o.TryGetPropertyValue(element[2..], out next);
        }

        if (element.StartsWith("k:", StringComparison.Ordinal) && node is JsonArray list)
        {
            var key = JsonNode.Parse(element[2..])!.AsObject();
            next = list.OfType<JsonObject>().FirstOrDefault(item => key.All(k => JsonNode.DeepEquals(item[k.Key], k.Value)));
            return next is not null;
        }

        return false;
    }

    private static void RemoveChild(JsonNode? parent, string element)
    {
        if (parent is JsonObject o && element.StartsWith("f:", StringComparison.Ordinal))
        {
            o.Remove(element[2..]);
        }
        else if (parent is JsonArray list && Step(list, element, out var item))
        {
            list.Remove(item);
        }
    }
}
