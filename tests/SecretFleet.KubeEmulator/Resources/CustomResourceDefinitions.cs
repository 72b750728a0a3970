using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Turns a CustomResourceDefinition into served resource types (one per served version), checks the parts of a CRD
/// a real server checks before accepting it, and writes the status an established CRD carries.
/// </summary>
internal static class CustomResourceDefinitions
{
    public static List<StatusCause> Validate(JsonObject crd)
    {
        var causes = new List<StatusCause>();
        var spec = crd["spec"] as JsonObject ?? [];
        var group = Json.String(spec["group"]) ?? "";
        var plural = Json.String(spec["names"]?["plural"]) ?? "";
        if (ObjectMeta.Name(crd) != $"{plural}.{group}")
        {
            causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: \"{ObjectMeta.Name(crd)}\": must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (versions.Count(v => Json.TryBool(v["storage"], out var s) && s) != 1)
        {
            causes.Add(new(StatusCause.FieldValueInvalid, "Invalid value: \"versions\": must have exactly one version marked as storage version", "spec.versions"));
        }

        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i]["schema"]?["openAPIV3Schema"] is JsonObject schema)
            {
                CheckRules(schema, $"spec.versions[{i}].schema.openAPIV3Schema", causes);
            }
        }

        return causes;
    }

    /// <summary>The served versions, preferred (storage) version first.</summary>
    public static List<ResourceType> ResourceTypes(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"] as JsonObject ?? [];
        var plural = Json.String(names["plural"]) ?? "";
        var kind = Json.String(names["kind"]) ?? "";
        var validation = ObjectMeta.Annotations(crd).ContainsKey(CertManagerCrds.UpstreamValidationAnnotation)
            ? ValidationSource.Upstream
            : ValidationSource.CustomResourceDefinition;
        return [.. (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => !Json.TryBool(v["served"], out var served) || served)
            .OrderByDescending(v => Json.TryBool(v["storage"], out var storage) && storage)
            .Select(v => new ResourceType(
                Json.String(spec["group"]) ?? "",
                Json.String(v["name"]) ?? "",
                plural,
                Json.String(names["singular"]) ?? kind.ToLowerInvariant(),
                kind,
                Json.String(spec["scope"]) != "Cluster",
                Strings(names["shortNames"]),
                Strings(names["categories"]),
                v["subresources"]?["status"] is not null,
                v["subresources"]?["scale"] is not null,
                validation,
                Columns(v))
            {
                Schema = v["schema"]?["openAPIV3Schema"] as JsonObject,
            })];
    }

    /// <summary>The status of a CRD the server has accepted: names accepted, established, stored version recorded.</summary>
    public static void Establish(JsonObject crd, string now)
    {
        var spec = crd["spec"]!.AsObject();
        var storage = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(v => Json.TryBool(v["storage"], out var s) && s)?["name"]?.DeepClone();
        JsonObject Condition(string type, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = spec["names"]?.DeepClone(),
            ["storedVersions"] = new JsonArray(storage),
        };
    }

    private static List<TableColumn> Columns(JsonObject version)
    {
        var columns = new List<TableColumn> { Cells.Name };
        if (version["additionalPrinterColumns"] is not JsonArray { Count: > 0 } extra)
        {
            columns.Add(Cells.Age);
            return columns;
        }

        foreach (var column in extra.OfType<JsonObject>())
        {
            var name = Json.String(column["name"]) ?? "";
            columns.Add(new TableColumn(
                name,
                Json.String(column["type"]) ?? "string",
                Json.String(column["format"]) ?? "",
                Json.String(column["description"]) ?? name,
                Json.TryInteger(column["priority"], out var priority) ? (int)priority : 0,
                SimpleJsonPath.Compile(Json.String(column["jsonPath"]) ?? "")));
        }

        return columns;
    }

    private static void CheckRules(JsonObject schema, string path, List<StatusCause> causes)
    {
        if (schema["x-kubernetes-validations"] is JsonArray rules)
        {
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = Json.String(rules[i]?["rule"]) ?? "";
                if (CelRules.Compile(rule).Error is { } error)
                {
                    causes.Add(new(StatusCause.FieldValueInvalid, $"Invalid value: \"{rule}\": compilation failed: {error}", $"{path}.x-kubernetes-validations[{i}].rule"));
                }
            }
        }

        foreach (var (key, child) in schema["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject childSchema)
            {
                CheckRules(childSchema, $"{path}.properties[{key}]", causes);
            }
        }

        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (schema[key] is JsonObject childSchema)
            {
                CheckRules(childSchema, $"{path}.{key}", causes);
            }
        }
    }

    private static List<string> Strings(JsonNode? node) => [.. (node as JsonArray ?? []).Select(Json.String).OfType<string>()];
}
