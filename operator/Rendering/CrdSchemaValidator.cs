using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// What the API server does with a custom object before it stores it, against the CRD's structural
/// <c>openAPIV3Schema</c> (the one <c>generate-crds</c> writes): fill in defaults, refuse unknown fields (as kubectl's
/// strict field validation does), check types, enums, bounds, lengths, patterns and required fields, then run the
/// <c>x-kubernetes-validations</c> rules of every value whose own checks passed. Only the keywords our generator emits
/// are understood; <c>metadata</c> is left to the caller.
/// </summary>
internal static class CrdSchemaValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Defaults <paramref name="obj"/> in place and returns every problem, in document order.</summary>
    public static IReadOnlyList<ManifestProblem> DefaultAndValidate(JsonObject obj, JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var problems = new List<ManifestProblem>();
        Check(obj, schema, "", problems, root: true);
        return problems;
    }

    private static void Check(JsonNode value, JsonObject schema, string path, List<ManifestProblem> problems, bool root = false)
    {
        var before = problems.Count;
        if (!TypeMatches(value, schema, out var expected))
        {
            problems.Add(new(path, $"must be {expected}, not {Shown(value)}"));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            problems.Add(new(path, $"{Shown(value)} is not one of {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}"));
        }

        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, problems, root);
                break;
            case JsonArray list when schema["items"] is JsonObject items:
                for (var i = 0; i < list.Count; i++)
                {
                    CheckChild(list[i], items, $"{path}[{i}]", problems);
                }

                break;
            case JsonValue scalar:
                CheckScalar(scalar, schema, path, problems);
                break;
        }

        // As on the API server, a value's rules run only once its own schema is satisfied.
        if (problems.Count == before && schema["x-kubernetes-validations"] is JsonArray rules)
        {
            foreach (var rule in rules.OfType<JsonObject>())
            {
                var text = (string)rule["rule"]!;
                var field = path + ((string?)rule["fieldPath"] ?? "");
                var (holds, error) = CelRules.Evaluate(text, value);
                if (error is not null)
                {
                    problems.Add(new(field, $"the rule '{text}' could not be evaluated: {error}"));
                }
                else if (!holds)
                {
                    problems.Add(new(field, (string?)rule["message"] ?? $"fails the rule '{text}'"));
                }
            }
        }
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<ManifestProblem> problems, bool root)
    {
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        foreach (var (name, property) in properties ?? [])
        {
            // A null counts as absent: the API server drops it, then defaults the field.
            if (obj.TryGetPropertyValue(name, out var given) && given is null)
            {
                obj.Remove(name);
            }

            if (!obj.ContainsKey(name) && property?["default"] is { } fallback)
            {
                obj[name] = fallback.DeepClone();
            }
        }

        foreach (var name in Required(schema).Where(r => !obj.ContainsKey(r)))
        {
            problems.Add(new(Join(path, name), "required"));
        }

        foreach (var (name, child) in obj.ToList())
        {
            if (root && name == "metadata")
            {
                continue;
            }

            if (properties?[name] is JsonObject childSchema)
            {
                CheckChild(child, childSchema, Join(path, name), problems);
            }
            else if (additional is not null)
            {
                CheckChild(child, additional, $"{path}[{name}]", problems);
            }
            else if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValueKind() != JsonValueKind.True)
            {
                problems.Add(new(Join(path, name), $"unknown field{Known(properties)}"));
            }
        }
    }

    private static void CheckChild(JsonNode? child, JsonObject schema, string path, List<ManifestProblem> problems)
    {
        if (child is null)
        {
            problems.Add(new(path, $"must be {Expected(schema)}, not null"));
            return;
        }

        Check(child, schema, path, problems);
    }

    private static void CheckScalar(JsonValue value, JsonObject schema, string path, List<ManifestProblem> problems)
    {
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            var number = Number(value);
            if (schema["minimum"] is JsonValue min && number < Number(min))
            {
                problems.Add(new(path, $"{Shown(value)} is below the minimum {min.ToJsonString()}"));
            }

            if (schema["maximum"] is JsonValue max && number > Number(max))
            {
                problems.Add(new(path, $"{Shown(value)} is above the maximum {max.ToJsonString()}"));
            }
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            return;
        }

        var text = value.GetValue<string>();
        if (schema["minLength"] is JsonValue minLength && text.Length < Number(minLength))
        {
            problems.Add(new(path, $"must be at least {minLength.ToJsonString()} characters long"));
        }

        if (schema["maxLength"] is JsonValue maxLength && text.Length > Number(maxLength))
        {
            problems.Add(new(path, $"must be at most {maxLength.ToJsonString()} characters long, not {text.Length}"));
        }

        if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, PatternTimeout))
        {
            // Our generator gives int-or-string a pattern only for resource quantities; their grammar says less than an example.
            problems.Add(new(path, IsIntOrString(schema)
                ? $"{Shown(value)} is not a resource quantity (such as 500m, 1Gi or 2)"
                : $"{Shown(value)} does not match {pattern}"));
        }
    }

    private static bool TypeMatches(JsonNode value, JsonObject schema, out string expected)
    {
        expected = Expected(schema);
        var kind = Kind(value);
        if (IsIntOrString(schema))
        {
            return kind is "integer" or "string";
        }

        return (string?)schema["type"] switch
        {
            null => true,
            "number" => kind is "number" or "integer",
            var type => kind == type,
        };
    }

    private static string Expected(JsonObject schema) =>
        IsIntOrString(schema)
            ? "an integer or a string"
            : (string?)schema["type"] switch
            {
                "object" => "an object",
                "array" => "a list",
                "integer" => "an integer",
                "number" => "a number",
                "boolean" => "true or false",
                "string" => "a string",
                var other => other ?? "a value",
            };

    private static string Kind(JsonNode value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
            _ => "null",
        },
    };

    private static bool IsInteger(JsonNode value) => Math.Floor(Number(value)) == Number(value);

    /// <summary>A JSON number whatever it was made from (parsed text, or an int the generator put in a schema).</summary>
    private static double Number(JsonNode value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool IsIntOrString(JsonObject schema) =>
        schema["x-kubernetes-int-or-string"] is JsonValue intOrString && intOrString.GetValueKind() == JsonValueKind.True;

    private static IEnumerable<string> Required(JsonObject schema) =>
        (schema["required"] as JsonArray ?? []).Select(r => (string?)r).OfType<string>();

    private static string Known(JsonObject? properties) =>
        properties is { Count: > 0 } ? $" (known fields: {string.Join(", ", properties.Select(p => p.Key))})" : "";

    private static string Shown(JsonNode value) => value switch
    {
        JsonObject => "an object",
        JsonArray => "a list",
        _ => value.ToJsonString(),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
