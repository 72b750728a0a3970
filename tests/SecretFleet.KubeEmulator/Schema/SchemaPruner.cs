using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// What a real API server does to a custom object before validating it: drops fields the structural schema
/// does not declare (unless <c>x-kubernetes-preserve-unknown-fields</c>) and fills in <c>default</c>s.
/// </summary>
internal static class SchemaPruner
{
    /// <summary>Removes undeclared fields below the root's apiVersion/kind/metadata; returns their paths.</summary>
    public static List<string> Prune(JsonObject obj, JsonObject schema)
    {
        var unknown = new List<string>();
        foreach (var (key, _) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (Property(schema, key) is { } child)
            {
                PruneNode(obj[key], child, key, unknown);
            }
            else if (!PreservesUnknown(schema))
            {
                obj.Remove(key);
                unknown.Add(key);
            }
        }

        return unknown;
    }

    /// <summary>Sets every missing field that has a <c>default</c>, top-down, as the API server's defaulting does.</summary>
    public static void Default(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject obj:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (key, child) in properties)
                    {
                        if (!obj.ContainsKey(key) && child?["default"] is { } value)
                        {
                            obj[key] = value.DeepClone();
                        }

                        if (child is JsonObject childSchema && obj[key] is { } present)
                        {
                            Default(present, childSchema);
                        }
                    }
                }

                if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (_, value) in obj)
                    {
                        Default(value, valueSchema);
                    }
                }

                break;
            case JsonArray list when schema["items"] is JsonObject itemSchema:
                foreach (var item in list)
                {
                    Default(item, itemSchema);
                }

                break;
        }
    }

    private static void PruneNode(JsonNode? node, JsonObject schema, string path, List<string> unknown)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var childPath = $"{path}.{key}";
                    if (Property(schema, key) is { } child)
                    {
                        PruneNode(value, child, childPath, unknown);
                    }
                    else if (schema["additionalProperties"] is JsonObject valueSchema)
                    {
                        PruneNode(value, valueSchema, childPath, unknown);
                    }
                    else if (!PreservesUnknown(schema) && !(IsEmbeddedResource(schema) && key is "apiVersion" or "kind" or "metadata"))
                    {
                        obj.Remove(key);
                        unknown.Add(childPath);
                    }
                }

                break;
            case JsonArray list when schema["items"] is JsonObject itemSchema:
                for (var i = 0; i < list.Count; i++)
                {
                    PruneNode(list[i], itemSchema, $"{path}[{i}]", unknown);
                }

                break;
        }
    }

    private static JsonObject? Property(JsonObject schema, string key) => schema["properties"]?[key] as JsonObject;

    private static bool PreservesUnknown(JsonObject schema) =>
        Json.TryBool(schema["x-kubernetes-preserve-unknown-fields"], out var b) && b
        || Json.TryBool(schema["additionalProperties"], out var a) && a;

    private static bool IsEmbeddedResource(JsonObject schema) =>
        Json.TryBool(schema["x-kubernetes-embedded-resource"], out var b) && b;
}
