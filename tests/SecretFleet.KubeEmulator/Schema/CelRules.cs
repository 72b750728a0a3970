using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Runs the <c>x-kubernetes-validations</c> of one schema node with <c>self</c> bound to the value (and <c>oldSelf</c>
/// to the previous value on update; rules that use <c>oldSelf</c> are skipped on create, as transition rules are).
/// </summary>
internal static class CelRules
{
    private static readonly ConcurrentDictionary<string, (CelExpression? Expression, string? Error)> Compiled = new(StringComparer.Ordinal);

    private static readonly HashSet<string> Functions = ["has", "size", "startsWith", "endsWith", "contains", "matches", "int", "string"];

    /// <summary>Parses a rule and checks it only uses what the evaluator knows, so a CRD with anything else is refused up front.</summary>
    public static (CelExpression? Expression, string? Error) Compile(string rule) => Compiled.GetOrAdd(rule, text =>
    {
        var (expression, error) = CelParser.Parse(text);
        return expression is null ? (null, error) : Unsupported(expression) is { } what
            ? (null, $"{what} is outside the CEL subset the emulator evaluates")
            : (expression, null);
    });

    private static string? Unsupported(CelExpression expression) => expression switch
    {
        CelIdentifier { Name: not ("self" or "oldSelf") } i => $"undeclared reference to '{i.Name}'",
        CelCall c when !Functions.Contains(c.Function) => $"function '{c.Function}'",
        CelCall c => c.Target is not null ? Unsupported(c.Target) ?? c.Arguments.Select(Unsupported).FirstOrDefault(u => u is not null)
            : c.Arguments.Select(Unsupported).FirstOrDefault(u => u is not null),
        CelMember m => Unsupported(m.Target),
        CelIndex x => Unsupported(x.Target) ?? Unsupported(x.Key),
        CelUnary u => Unsupported(u.Operand),
        CelBinary b => Unsupported(b.Left) ?? Unsupported(b.Right),
        CelConditional c => Unsupported(c.Condition) ?? Unsupported(c.WhenTrue) ?? Unsupported(c.WhenFalse),
        CelList l => l.Items.Select(Unsupported).FirstOrDefault(u => u is not null),
        _ => null,
    };

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
