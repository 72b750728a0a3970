using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// Evaluates a CRD's <c>x-kubernetes-validations</c> rules (CEL, with <c>self</c> bound to the value that carries
/// them) as the API server does, through the Cel library: the rules stay the ones written on the API types.
/// </summary>
internal static class CelRules
{
    private static readonly ConcurrentDictionary<string, CelProgramDelegate> Compiled = new(StringComparer.Ordinal);

    /// <summary>True when the rule holds, false when it does not; an error when it cannot be evaluated at all.</summary>
    public static (bool Holds, string? Error) Evaluate(string rule, JsonNode? self)
    {
        ArgumentNullException.ThrowIfNull(rule);
        try
        {
            var program = Compiled.GetOrAdd(rule, text => new CelEnvironment(null, "").Compile(text));
            return program(new Dictionary<string, object?> { ["self"] = Value(self) }!) is bool holds
                ? (holds, null)
                : (false, "the rule does not give a boolean");
        }
        catch (CelException e)
        {
            return (false, e.Message);
        }
    }

    /// <summary>JSON as the values CEL works on: maps, lists, int (64-bit), double, string, bool, null.</summary>
    private static object? Value(JsonNode? node) => node switch
    {
        JsonObject map => map.ToDictionary(p => p.Key, p => Value(p.Value), StringComparer.Ordinal),
        JsonArray list => list.Select(Value).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => Number(value.ToJsonString()),
            _ => null,
        },
        _ => null,
    };

    /// <summary>CEL's int for a whole number, as the API server reads an integer field; double otherwise.</summary>
    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? integer
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
