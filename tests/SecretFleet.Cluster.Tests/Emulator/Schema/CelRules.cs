using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SecretFleet.Cluster.Tests.Emulator;

/// <summary>
/// Runs the <c>x-kubernetes-validations</c> of one schema node with <c>self</c> bound to the value (and <c>oldSelf</c>
/// to the previous value on update; rules that use <c>oldSelf</c> are skipped on create, as transition rules are).
/// </summary>
internal static class CelRules
{
    private static readonly ConcurrentDictionary<string, (CelExpression? Expression, string? Error)> Compiled = new(StringComparer.Ordinal);

    public static (CelExpression? Expression, string? Error) Compile(string rule) => Compiled.GetOrAdd(rule, CelParser.Parse);

    public static void Check(JsonObject schema, JsonNode? self, JsonNode? oldSelf, string path, List<StatusCause> causes)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules || self is null)
        {
            return;
        }

        foreach (var rule in rules.OfType<JsonObject>())
        {
            var text = Json.String(rule["rule"]) ?? "";
            var (expression, compileError) = Compile(text);
            var usesOldSelf = text.Contains("oldSelf", StringComparison.Ordinal);
            if (usesOldSelf && oldSelf is null)
            {
                continue;
            }

            var field = Json.String(rule["fieldPath"]) is { } fieldPath ? path + fieldPath : path;
            var shown = $"Invalid value: \"{Json.TypeName(self)}\": ";
            if (expression is null)
            {
                causes.Add(new(StatusCause.FieldValueInvalid, shown + $"compilation failed: {compileError}", field));
                continue;
            }

            var variables = new Dictionary<string, JsonNode?> { ["self"] = self, ["oldSelf"] = oldSelf };
            var (value, error) = CelEvaluator.Evaluate(expression, variables);
            if (error is not null)
            {
                causes.Add(new(StatusCause.FieldValueInvalid, shown + $"{error} evaluating rule: {text}", field));
            }
            else if (value is not true)
            {
                var reason = Json.String(rule["reason"]) ?? StatusCause.FieldValueInvalid;
                causes.Add(new(reason, shown + (Json.String(rule["message"]) ?? $"failed rule: {text}"), field));
            }
        }
    }
}
