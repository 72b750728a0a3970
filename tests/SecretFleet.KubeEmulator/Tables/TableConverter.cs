using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Server-side printing: turns objects into a <c>meta.k8s.io/v1 Table</c> (what kubectl asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>), with the kind's columns and, per row,
/// the object's metadata (or the whole object with <c>includeObject=Object</c>).
/// </summary>
internal static class TableConverter
{
    public static bool Wanted(string? accept) => accept?.Contains("as=Table", StringComparison.Ordinal) == true;

    public static JsonObject Convert(ResourceType type, IEnumerable<JsonObject> objects, JsonObject listMetadata, string? includeObject, bool withColumns, DateTimeOffset now)
    {
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray([.. type.Columns.Select(c => Cell(c, obj, now))]);
            var row = new JsonObject { ["cells"] = cells };
            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                },
            };
            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata,
            ["columnDefinitions"] = withColumns ? new JsonArray([.. type.Columns.Select(c => (JsonNode)c.Definition())]) : new JsonArray(),
            ["rows"] = rows,
        };
    }

    private static JsonNode? Cell(TableColumn column, JsonObject obj, DateTimeOffset now)
    {
        var value = column.Cell(obj);
        if (column.Type == "date" && Json.String(value) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return Age(now - at);
        }

        return value ?? (column.Type is "integer" or "number" ? null : "<none>");
    }

    /// <summary>Ages as kubectl prints them: 45s, 3m20s, 17m, 5h12m, 3d4h, 40d, 2y.</summary>
    public static string Age(TimeSpan age)
    {
        var seconds = Math.Max(0, (long)age.TotalSeconds);
        var minutes = seconds / 60;
        var hours = minutes / 60;
        var days = hours / 24;
        return seconds switch
        {
            < 120 => $"{seconds}s",
            _ when minutes < 10 => seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s",
            _ when minutes < 180 => $"{minutes}m",
            _ when hours < 8 => minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m",
            _ when hours < 48 => $"{hours}h",
            _ when hours < 24 * 8 => hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h",
            _ when days < 365 * 2 => $"{days}d",
            _ => $"{days / 365}y",
        };
    }
}
