using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Validates a custom object against a CRD's structural <c>openAPIV3Schema</c>: type, required, enum, minimum/maximum,
/// length, pattern, items, properties, nullable, int-or-string, allOf/anyOf/oneOf/not, and the
/// <c>x-kubernetes-validations</c> CEL rules. Causes carry the field path and read like a real server's.
/// </summary>
internal static class OpenApiValidator
{
    /// <summary>
    /// Schema causes, then the CEL rule causes — unless the schema already failed on types, enums or required fields,
    /// when rules are not run (as on a real server) and one cause says so.
    /// </summary>
    public static List<StatusCause> Validate(JsonObject obj, JsonObject? old, JsonObject schema)
    {
        var causes = new List<StatusCause>();
        var rules = new List<StatusCause>();
        foreach (var (key, value) in obj)
        {
            if (key is not ("apiVersion" or "kind" or "metadata") && schema["properties"]?[key] is JsonObject child)
            {
                ValidateNode(value, old?[key], child, key, causes, rules);
            }
        }

        Required(obj, schema, "", causes);
        CelRules.Check(schema, obj, old, "", rules);
        if (causes.Exists(c => c.Reason is StatusCause.FieldValueTypeInvalid or StatusCause.FieldValueNotSupported or StatusCause.FieldValueRequired))
        {
            if (rules.Count > 0)
            {
                causes.Add(new StatusCause(StatusCause.FieldValueInvalid,
                    "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation", "<nil>"));
            }
        }
        else
        {
            causes.AddRange(rules);
        }

        return causes;
    }

    private static void ValidateNode(JsonNode? value, JsonNode? old, JsonObject schema, string path, List<StatusCause> causes, List<StatusCause>? rules)
    {
        if (value is null)
        {
            if (!(Json.TryBool(schema["nullable"], out var nullable) && nullable))
            {
                causes.Add(new(StatusCause.FieldValueTypeInvalid, $"Invalid value: \"null\": {path} in body must be of type {Json.String(schema["type"]) ?? "object"}: \"null\"", path));
            }

            return;
        }

        if (!TypeMatches(value, schema, out var expected))
        {
            causes.Add(new(StatusCause.FieldValueTypeInvalid, $"Invalid value: \"{Json.TypeName(value)}\": {path} in body must be of type {expected}: \"{Json.TypeName(value)}\"", path));
            return;
        }

        Scalars(value, schema, path, causes);
        Combinators(value, schema, path, causes);
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var childSchema = schema["properties"]?[key] as JsonObject ?? schema["additionalProperties"] as JsonObject;
                    if (childSchema is not null)
                    {
                        var childPath = schema["properties"]?[key] is not null ? $"{path}.{key}" : $"{path}[{key}]";
                        ValidateNode(child, (old as JsonObject)?[key], childSchema, childPath, causes, rules);
                    }
                }

                Required(obj, schema, path, causes);
                Count(obj.Count, schema, "minProperties", "maxProperties", "properties", path, causes);
                break;
            case JsonArray list:
                if (schema["items"] is JsonObject itemSchema)
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        ValidateNode(list[i], (old as JsonArray)?.ElementAtOrDefault(i), itemSchema, $"{path}[{i}]", causes, rules);
                    }
                }

                Count(list.Count, schema, "minItems", "maxItems", "items", path, causes);
                break;
        }

        if (rules is not null)
        {
            CelRules.Check(schema, value, old, path, rules);
        }
    }

    private static bool TypeMatches(JsonNode value, JsonObject schema, out string expected)
    {
        expected = Json.String(schema["type"]) ?? "";
        if (Json.TryBool(schema["x-kubernetes-int-or-string"], out var intOrString) && intOrString)
        {
            expected = "integer or string";
            return Json.TypeName(value) is "integer" or "string";
        }

        var actual = Json.TypeName(value);
        return expected switch
        {
            "" => true,
            "number" => actual is "number" or "integer",
            _ => actual == expected,
        };
    }

    private static void Scalars(JsonNode value, JsonObject schema, string path, List<StatusCause> causes)
    {
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            causes.Add(new(StatusCause.FieldValueNotSupported,
                $"Unsupported value: {value.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}", path));
        }

        if (Json.TryNumber(value, out var number))
        {
            var shown = value.ToJsonString();
            if (Json.TryNumber(schema["minimum"], out var min) && (number < min || number == min && Exclusive(schema, "exclusiveMinimum")))
            {
                causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {shown}: {path} in body should be greater than {(Exclusive(schema, "exclusiveMinimum") ? "" : "or equal to ")}{Format(min)}", path));
            }

            if (Json.TryNumber(schema["maximum"], out var max) && (number > max || number == max && Exclusive(schema, "exclusiveMaximum")))
            {
                causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {shown}: {path} in body should be less than {(Exclusive(schema, "exclusiveMaximum") ? "" : "or equal to ")}{Format(max)}", path));
            }
        }

        if (Json.TryString(value, out var text))
        {
            if (Json.TryInteger(schema["maxLength"], out var maxLength) && text.Length > maxLength)
            {
                causes.Add(new(StatusCause.FieldValueTooLong, $"Too long: may not be longer than {maxLength}", path));
            }

            if (Json.TryInteger(schema["minLength"], out var minLength) && text.Length < minLength)
            {
                causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: \"{text}\": {path} in body should be at least {minLength} chars long", path));
            }

            if (Json.String(schema["pattern"]) is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: \"{text}\": {path} in body should match '{pattern}'", path));
            }
        }
    }

    private static void Combinators(JsonNode value, JsonObject schema, string path, List<StatusCause> causes)
    {
        bool Passes(JsonNode? s) => s is JsonObject sub && Probe(value, sub, path);

        if (schema["allOf"] is JsonArray all && !all.All(Passes))
        {
            causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {value.ToJsonString()}: {path} in body must match all schemas in allOf", path));
        }

        if (schema["anyOf"] is JsonArray any && !any.Any(Passes))
        {
            causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {value.ToJsonString()}: {path} in body must match at least one schema in anyOf", path));
        }

        if (schema["oneOf"] is JsonArray one && one.Count(Passes) != 1)
        {
            causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {value.ToJsonString()}: {path} in body must match exactly one schema in oneOf", path));
        }

        if (schema["not"] is JsonObject not && Probe(value, not, path))
        {
            causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {value.ToJsonString()}: {path} in body must not match the schema in not", path));
        }
    }

    private static bool Probe(JsonNode value, JsonObject schema, string path)
    {
        var probe = new List<StatusCause>();
        ValidateNode(value, null, schema, path, probe, null);
        return probe.Count == 0;
    }

    private static void Required(JsonObject obj, JsonObject schema, string path, List<StatusCause> causes)
    {
        foreach (var name in (schema["required"] as JsonArray ?? []).Select(Json.String).OfType<string>())
        {
            if (!obj.ContainsKey(name))
            {
                causes.Add(new(StatusCause.FieldValueRequired, "Required value", path.Length == 0 ? name : $"{path}.{name}"));
            }
        }
    }

    private static void Count(int count, JsonObject schema, string minKey, string maxKey, string noun, string path, List<StatusCause> causes)
    {
        if (Json.TryInteger(schema[minKey], out var min) && count < min)
        {
            causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: {count}: {path} in body should have at least {min} {noun}", path));
        }

        if (Json.TryInteger(schema[maxKey], out var max) && count > max)
        {
            causes.Add(new(StatusCause.FieldValueTooMany, $"Too many: {count}: must have at most {max} {noun}", path));
        }
    }

    private static bool Exclusive(JsonObject schema, string key) => Json.TryBool(schema[key], out var b) && b;

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
}
