using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretFleet.Cli.Output;

/// <summary>The one JSON style of `-o json`: camelCase names, enums as strings, RFC 3339 times.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
