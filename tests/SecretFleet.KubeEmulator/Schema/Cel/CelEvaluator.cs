using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Evaluates a parsed CEL expression over JSON values. Values are <c>long</c>, <c>double</c>, <c>string</c>,
/// <c>bool</c>, <c>null</c>, <see cref="JsonObject"/> (maps and objects) and <see cref="JsonArray"/> / lists.
/// Functions: <c>has()</c>, <c>size()</c>, <c>startsWith</c>, <c>endsWith</c>, <c>contains</c>, <c>matches</c>,
/// <c>int()</c>, <c>string()</c>. A runtime error (a missing field, a type mismatch) is a value, as CEL reports it.
/// </summary>
internal static class CelEvaluator
{
    public static (object? Value, string? Error) Evaluate(CelExpression expression, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        try
        {
            return (Eval(expression, variables), null);
        }
        catch (CelRuntimeException e)
        {
            return (null, e.Message);
        }
    }

    private static object? Eval(CelExpression e, IReadOnlyDictionary<string, JsonNode?> vars) => e switch
    {
        CelLiteral l => l.Value,
        CelIdentifier i => vars.TryGetValue(i.Name, out var v) ? FromJson(v) : throw new CelRuntimeException($"undeclared reference to '{i.Name}'"),
        CelMember m => Eval(m.Target, vars) is JsonObject o
            ? (o.TryGetPropertyValue(m.Field, out var child) ? FromJson(child) : throw new CelRuntimeException($"no such key: {m.Field}"))
            : throw new CelRuntimeException($"no such key: {m.Field}"),
        CelIndex x => Index(Eval(x.Target, vars), Eval(x.Key, vars)),
        CelCall { Target: null, Function: "has" } c => Has(c, vars),
        CelCall c => Call(c, vars),
        CelUnary { Operator: "!" } u => !Bool(Eval(u.Operand, vars)),
        CelUnary u => Eval(u.Operand, vars) switch { long n => (object)(-n), double d => -d, _ => throw new CelRuntimeException("no such overload: -_") },
        CelBinary { Operator: "&&" } b => Bool(Eval(b.Left, vars)) && Bool(Eval(b.Right, vars)),
        CelBinary { Operator: "||" } b => Bool(Eval(b.Left, vars)) || Bool(Eval(b.Right, vars)),
        CelBinary b => Binary(b.Operator, Eval(b.Left, vars), Eval(b.Right, vars)),
        CelConditional c => Bool(Eval(c.Condition, vars)) ? Eval(c.WhenTrue, vars) : Eval(c.WhenFalse, vars),
        CelList l => new JsonArray([.. l.Items.Select(i => ToJson(Eval(i, vars)))]),
        _ => throw new CelRuntimeException("unsupported expression"),
    };

    private static bool Has(CelCall call, IReadOnlyDictionary<string, JsonNode?> vars) =>
        call.Arguments is [CelMember member]
            ? Eval(member.Target, vars) is JsonObject o && o.ContainsKey(member.Field)
            : throw new CelRuntimeException("invalid argument to has() macro");

    private static object? Call(CelCall call, IReadOnlyDictionary<string, JsonNode?> vars)
    {
        var args = call.Arguments.Select(a => Eval(a, vars)).ToList();
        if (call.Target is not null)
        {
            args.Insert(0, Eval(call.Target, vars));
        }

        return (call.Function, args) switch
        {
            ("size", [string s]) => (object)(long)s.Length,
            ("size", [JsonArray a]) => (long)a.Count,
            ("size", [JsonObject o]) => (long)o.Count,
            ("startsWith", [string s, string p]) => s.StartsWith(p, StringComparison.Ordinal),
            ("endsWith", [string s, string p]) => s.EndsWith(p, StringComparison.Ordinal),
            ("contains", [string s, string p]) => s.Contains(p, StringComparison.Ordinal),
            ("matches", [string s, string p]) => Regex.IsMatch(s, p, RegexOptions.None, TimeSpan.FromSeconds(1)),
            ("int", [long n]) => n,
            ("int", [double d]) => (long)d,
            ("int", [string s]) when long.TryParse(s, out var n) => n,
            ("string", [var v]) => Format(v),
            _ => throw new CelRuntimeException($"found no matching overload for '{call.Function}'"),
        };
    }

    private static object? Index(object? target, object? key) => (target, key) switch
    {
        (JsonArray a, long i) when i >= 0 && i < a.Count => FromJson(a[(int)i]),
        (JsonObject o, string k) when o.TryGetPropertyValue(k, out var v) => FromJson(v),
        (JsonObject, string k) => throw new CelRuntimeException($"no such key: {k}"),
        _ => throw new CelRuntimeException("index out of range"),
    };

    private static object? Binary(string op, object? left, object? right) => (op, left, right) switch
    {
        ("==", _, _) => Equal(left, right),
        ("!=", _, _) => !Equal(left, right),
        ("<" or "<=" or ">" or ">=", _, _) => Compare(op, left, right),
        ("in", _, JsonArray list) => list.Any(i => Equal(left, FromJson(i))),
        ("in", string k, JsonObject map) => map.ContainsKey(k),
        ("+", long a, long b) => (object)(a + b),
        ("+", string a, string b) => a + b,
        ("+", double a, double b) => a + b,
        ("-", long a, long b) => a - b,
        ("-", double a, double b) => a - b,
        ("*", long a, long b) => a * b,
        ("*", double a, double b) => a * b,
        ("/", long, 0L) or ("%", long, 0L) => throw new CelRuntimeException("division by zero"),
        ("/", long a, long b) => a / b,
        ("/", double a, double b) => a / b,
        ("%", long a, long b) => a % b,
        _ => throw new CelRuntimeException($"no such overload: {Type(left)} {op} {Type(right)}"),
    };

    private static bool Compare(string op, object? left, object? right)
    {
        var order = (left, right) switch
        {
            (long a, long b) => a.CompareTo(b),
            (long or double, long or double) => Convert.ToDouble(left, System.Globalization.CultureInfo.InvariantCulture)
                .CompareTo(Convert.ToDouble(right, System.Globalization.CultureInfo.InvariantCulture)),
            (string a, string b) => string.CompareOrdinal(a, b),
            (bool a, bool b) => a.CompareTo(b),
            _ => throw new CelRuntimeException($"no such overload: {Type(left)} {op} {Type(right)}"),
        };
        return op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
    }

    private static bool Equal(object? left, object? right) => (left, right) switch
    {
        (long a, double b) => a == b,
        (double a, long b) => a == b,
        (JsonNode a, JsonNode b) => JsonNode.DeepEquals(a, b),
        _ => Equals(left, right),
    };

    private static bool Bool(object? value) => value is bool b ? b : throw new CelRuntimeException($"no such overload: expected bool, got {Type(value)}");

    // Arms are typed object on purpose: JsonNode converts implicitly from primitives and would otherwise win.
    private static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonValue when Json.TryInteger(node, out var n) => (object)n,
        JsonValue when Json.TryNumber(node, out var d) => (object)d,
        JsonValue when Json.TryBool(node, out var b) => (object)b,
        JsonValue when Json.TryString(node, out var s) => (object)s,
        _ => (object)node,
    };

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        long n => n,
        double d => d,
        bool b => b,
        _ => value.ToString(),
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        JsonNode n => n.ToJsonString(),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Type(object? value) => value switch
    {
        null => "null",
        long => "int",
        double => "double",
        string => "string",
        bool => "bool",
        JsonArray => "list",
        _ => "map",
    };

    /// <summary>A CEL runtime error: unwinds the recursive evaluation in one step and never leaves this class.</summary>
    private sealed class CelRuntimeException(string message) : Exception(message);
}
