using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.Operator.Crd;

/// <summary>
/// Writes a JSON tree as block-style YAML, deterministically (key order kept, LF endings). Strings are plain
/// only when no YAML reader could take them for anything else; otherwise they are double-quoted, which is
/// JSON string syntax and valid YAML.
/// </summary>
internal static partial class YamlWriter
{
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonObject document)
    {
        var yaml = new StringBuilder();
        WriteMapping(yaml, document, 0);
        return yaml.ToString();
    }

    private static void WriteMapping(StringBuilder yaml, JsonObject mapping, int indent, bool firstLineIndented = true)
    {
        var first = true;
        foreach (var (key, value) in mapping)
        {
            if (!first || firstLineIndented)
            {
                yaml.Append(' ', indent);
            }

            first = false;
            yaml.Append(Scalar(key)).Append(':');
            WriteValue(yaml, value, indent);
        }
    }

    private static void WriteValue(StringBuilder yaml, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                yaml.Append(" {}\n");
                break;
            case JsonObject child:
                yaml.Append('\n');
                WriteMapping(yaml, child, indent + 2);
                break;
            case JsonArray { Count: 0 }:
                yaml.Append(" []\n");
                break;
            case JsonArray items:
                // Sequences sit at their key's indent, as kubectl and controller-gen write them.
                yaml.Append('\n');
                foreach (var item in items)
                {
                    yaml.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 } itemMapping)
                    {
                        yaml.Append(' ');
                        WriteMapping(yaml, itemMapping, indent + 2, firstLineIndented: false);
                    }
                    else
                    {
                        WriteValue(yaml, item, indent + 2);
                    }
                }

                break;
            default:
                yaml.Append(' ').Append(ScalarValue(value)).Append('\n');
                break;
        }
    }

    private static string ScalarValue(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => Scalar(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    private static string Scalar(string text) =>
        SafePlain().IsMatch(text) && !Reserved.Contains(text.ToLowerInvariant())
            ? text
            : JsonSerializer.Serialize(text, QuoteOptions);

    // Starts with a letter, no ": ", "#", quotes, brackets or leading/trailing space: cannot be read as
    // anything but this string.
    [GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9_ ./()=+,-]*[A-Za-z0-9_./()]$|^[A-Za-z]$")]
    private static partial Regex SafePlain();

    private static readonly HashSet<string> Reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
}
