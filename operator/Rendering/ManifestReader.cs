using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// Reads a manifest (a file, or standard input for <c>-</c>) as YAML documents and turns each into JSON, resolving
/// plain scalars as YAML 1.2's core schema does (null, booleans, integers, floats; quoted scalars stay strings).
/// JSON is YAML, so a JSON manifest reads too.
/// </summary>
internal static partial class ManifestReader
{
    /// <summary>Every document of <paramref name="text"/>, or the problem that makes it unreadable.</summary>
    public static (IReadOnlyList<ManifestDocument> Documents, ManifestProblem? Problem) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // YamlDotNet prefixes its message with the positions; one "line L, column C" is enough.
            var message = e.InnerException is { } inner && e.Message.StartsWith('(') ? inner.Message : Unprefixed(e.Message);
            return ([], new ManifestProblem("", $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {OneLine(message)}"));
        }

        var documents = new List<ManifestDocument>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            try
            {
                documents.Add(new ManifestDocument(i + 1, Convert(stream.Documents[i].RootNode)));
            }
            catch (ArgumentException e)
            {
                // A mapping with the same key twice: YAML forbids it, and which value wins would be a guess.
                return ([], new ManifestProblem("", $"document {i + 1} is not valid YAML: {OneLine(e.Message)}"));
            }
        }

        return (documents, null);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonObject Mapping(YamlMappingNode map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            json.Add(key is YamlScalarNode { Value: { } name } ? name : throw new ArgumentException($"a key at line {key.Start.Line} is not a plain name."), Convert(value));
        }

        return json;
    }

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

    private static string Unprefixed(string message)
    {
        var dash = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && dash >= 0 ? message[(dash + 3)..] : message;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
