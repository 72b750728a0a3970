using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Schema;

namespace SecretFleet.Operator.Crd;

/// <summary>
/// Turns our C# records into a structural OpenAPI v3 schema, reading the same attributes the JSON and the
/// docs read: Description, DefaultValue/SchemaDefault, Range, RegularExpression, Min/MaxLength, Required,
/// CelValidation, ListMapKeys. Property order is declaration order, so the output is stable.
/// </summary>
internal static class OpenApiSchemaBuilder
{
    // The quantity grammar of k8s.io/apimachinery resource.Quantity, as controller-gen writes it.
    private const string QuantityPattern =
        @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    public static JsonObject ForRoot(Type root)
    {
        var schema = new JsonObject
        {
            ["description"] = root.GetCustomAttribute<DescriptionAttribute>()?.Description,
            ["type"] = "object",
        };
        var properties = new JsonObject();
        foreach (var property in Properties(root))
        {
            var name = JsonName(property);
            properties[name] = name switch
            {
                "apiVersion" => new JsonObject
                {
                    ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
                    ["type"] = "string",
                },
                "kind" => new JsonObject
                {
                    ["description"] = "Kind is a string value representing the REST resource this object represents.",
                    ["type"] = "string",
                },
                "metadata" => new JsonObject { ["type"] = "object" },
                _ => ForProperty(property),
            };
        }

        schema["properties"] = properties;
        return Compact(schema);
    }

    private static JsonObject ForProperty(PropertyInfo property)
    {
        var schema = ForType(property.PropertyType, property);
        var head = new JsonObject();
        if (property.GetCustomAttribute<DescriptionAttribute>()?.Description is { } description)
        {
            head["description"] = description;
        }

        // description first reads best in `kubectl explain` and in the YAML.
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            head[key] = value;
        }

        if (property.GetCustomAttribute<DefaultValueAttribute>() is { } defaultValue)
        {
            head["default"] = defaultValue.Value is Enum e ? e.ToString() : JsonSerializer.SerializeToNode(defaultValue.Value, KubeJson.Options);
        }

        if (property.GetCustomAttribute<SchemaDefaultAttribute>() is { } schemaDefault)
        {
            head["default"] = JsonNode.Parse(schemaDefault.Json);
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            // [Range(0d, double.PositiveInfinity)] means "minimum only".
            if (Bound(range.Minimum) is { } minimum)
            {
                head["minimum"] = minimum;
            }

            if (Bound(range.Maximum) is { } maximum)
            {
                head["maximum"] = maximum;
            }
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            head["pattern"] = pattern.Pattern;
        }

        var isArray = head["type"]?.GetValue<string>() == "array";
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
        {
            head[isArray ? "minItems" : "minLength"] = minLength.Length;
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            head[isArray ? "maxItems" : "maxLength"] = maxLength.Length;
        }

        if (property.GetCustomAttribute<SchemaFormatAttribute>() is { } format)
        {
            head["format"] = format.Format;
        }

        if (property.GetCustomAttribute<ListMapKeysAttribute>() is { } keys)
        {
            head["x-kubernetes-list-map-keys"] = new JsonArray([.. keys.Keys.Select(k => (JsonNode)k)]);
            head["x-kubernetes-list-type"] = "map";
        }

        if (property.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType is { IsGenericType: true } converter
            && converter.GetGenericTypeDefinition() == typeof(EmptyStringAsNullEnumConverter<>)
            && head["enum"] is JsonArray values)
        {
            values.Add("");
        }

        AddValidations(head, property.GetCustomAttributes<CelValidationAttribute>());
        return head;
    }

    private static JsonObject ForType(Type type, PropertyInfo? property)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(Quantity))
        {
            return new JsonObject
            {
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                ["pattern"] = QuantityPattern,
                ["x-kubernetes-int-or-string"] = true,
            };
        }

        if (type.IsEnum)
        {
            return new JsonObject
            {
                ["type"] = "string",
                ["enum"] = new JsonArray([.. Enum.GetNames(type).Select(n => (JsonNode)n)]),
            };
        }

        if (type == typeof(JsonObject))
        {
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ForType(valueType, null) };
        }

        if (ListItemType(type) is { } itemType)
        {
            return new JsonObject { ["type"] = "array", ["items"] = ForType(itemType, null) };
        }

        if (type.IsClass && type.Namespace?.StartsWith("SecretFleet.", StringComparison.Ordinal) == true)
        {
            return ForObject(type);
        }

        throw new NotSupportedException($"The CRD generator does not know how to describe {type} (property {property?.DeclaringType?.Name}.{property?.Name}).");
    }

    private static JsonObject ForObject(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in Properties(type))
        {
            var name = JsonName(property);
            properties[name] = ForProperty(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        AddValidations(schema, type.GetCustomAttributes<CelValidationAttribute>());
        return schema;
    }

    private static void AddValidations(JsonObject schema, IEnumerable<CelValidationAttribute> rules)
    {
        var list = new JsonArray();
        foreach (var rule in rules)
        {
            var entry = new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message };
            if (rule.FieldPath is not null)
            {
                entry["fieldPath"] = rule.FieldPath;
            }

            list.Add(entry);
        }

        if (list.Count > 0)
        {
            schema["x-kubernetes-validations"] = list;
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.SetMethod is not null && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .OrderBy(p => p.MetadataToken);

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        return dictionary?.GetGenericArguments() is [var key, var value] && key == typeof(string) ? value : null;
    }

    private static Type? ListItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyList<>));
        return list?.GetGenericArguments()[0];
    }

    private static long? Bound(object value) => value switch
    {
        int i => i,
        long l => l,
        double d when double.IsFinite(d) => (long)d,
        _ => null,
    };

    /// <summary>Drops null-valued keys (e.g. a missing description).</summary>
    private static JsonObject Compact(JsonObject schema)
    {
        foreach (var (key, value) in schema.ToList())
        {
            if (value is null)
            {
                schema.Remove(key);
            }
        }

        return schema;
    }
}
