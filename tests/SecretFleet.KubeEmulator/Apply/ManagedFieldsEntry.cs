using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>One entry of <c>metadata.managedFields</c>: who owns which fields, through which operation.</summary>
internal sealed record ManagedFieldsEntry(string Manager, string Operation, string ApiVersion, string Time, string? Subresource, FieldSet Fields)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    public bool Is(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && (Subresource ?? "") == (subresource ?? "");

    public static ManagedFieldsEntry? Read(JsonObject entry) =>
        Json.String(entry["manager"]) is { } manager
            ? new ManagedFieldsEntry(
                manager,
                Json.String(entry["operation"]) ?? Update,
                Json.String(entry["apiVersion"]) ?? "",
                Json.String(entry["time"]) ?? "",
                Json.String(entry["subresource"]),
                entry["fieldsV1"] is JsonObject fields ? FieldSet.FromFieldsV1(fields) : new FieldSet())
            : null;

    public JsonObject ToJson()
    {
        var entry = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
            ["time"] = Time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = Fields.ToFieldsV1(),
        };
        if (Subresource is not null)
        {
            entry["subresource"] = Subresource;
        }

        return entry;
    }
}
