using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecretFleet.Tests.Shared;

/// <summary>
/// YAML (the body of <c>application/apply-patch+yaml</c>, manifests in tests) to JSON nodes, resolving plain
/// scalars as YAML 1.2's core schema does (null, booleans, integers, floats); quoted scalars stay strings.
/// Linked into the test projects that read YAML (the emulator, the CRD tests).
/// </summary>
public static partial class YamlJson
{
    public static (JsonObject? Object, string? Error) ParseObject(string text)
    {
        var trimmed = text.TrimStart();
        try
        {
            if (trimmed.StartsWith('{'))
            {
                return JsonNode.Parse(text) is JsonObject json ? (json, null) : (null, "not an object");
            }

            var documents = ParseDocuments(text);
            return documents is [JsonObject single] ? (single, null) : (null, "expected exactly one YAML object");
        }
        catch (Exception e) when (e is YamlException or System.Text.Json.JsonException or InvalidCastException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>The one document of a YAML file, which must be an object.</summary>
    public static JsonObject Single(string text) => (JsonObject)Assert.Single(ParseDocuments(text))!;

    /// <summary>Every document of a multi-document YAML stream.</summary>
    public static List<JsonNode?> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => Convert(d.RootNode))];
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", Convert(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return value;
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            _ when Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => value,
        };
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
