using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Type tests on JSON values that work whether a value was parsed or built in C#
/// (<c>JsonValue.TryGetValue&lt;long&gt;</c> fails on a value built from an <c>int</c>).
/// </summary>
internal static class Json
{
    public static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        return false;
    }

    public static bool TryBool(JsonNode? node, out bool value)
    {
        value = node is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        return node is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
    }

    public static string? String(JsonNode? node) => TryString(node, out var s) ? s : null;

    /// <summary>The JSON type name as OpenAPI uses it: object, array, string, integer, number, boolean, null.</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ when TryString(node, out _) => "string",
        _ when TryInteger(node, out _) => "integer",
        _ when TryNumber(node, out _) => "number",
        _ => "boolean",
    };
}
