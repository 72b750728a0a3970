using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>One column of <c>kubectl get</c> output (a Table column definition) and how to compute its cell.</summary>
internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, Func<JsonObject, JsonNode?> Cell)
{
    public JsonObject Definition() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Format,
        ["description"] = Description,
        ["priority"] = Priority,
    };
}
