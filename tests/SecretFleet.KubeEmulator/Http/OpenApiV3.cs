using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A skeleton of <c>/openapi/v3</c>: the per-group-version index and, per resource, the item path's PATCH operation
/// tagged with its group/version/kind and the <c>fieldValidation</c> parameter. That is what kubectl reads to decide
/// it can leave validation to the server (<c>--validate=strict</c>); without it kubectl refuses to apply.
/// There are no component schemas: kubectl then computes strategic merge patches from its compiled-in types, and
/// <c>kubectl explain</c> has nothing to show.
/// </summary>
internal static class OpenApiV3
{
    public static JsonObject Index(ResourceRegistry registry)
    {
        var hash = registry.All.Count.ToString(CultureInfo.InvariantCulture);
        var paths = new JsonObject();
        foreach (var (group, versions) in registry.Groups())
        {
            foreach (var version in versions)
            {
                var key = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
                paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
            }
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(ResourceRegistry registry, string group, string version)
    {
        var types = registry.InGroupVersion(group, version);
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var type in types)
        {
            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var scope = type.Namespaced ? "/namespaces/{namespace}" : "";
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind };
            paths[$"{prefix}{scope}/{type.Plural}/{{name}}"] = new JsonObject
            {
                ["patch"] = Operation($"patch{type.Kind}", "patch", gvk),
                ["put"] = Operation($"replace{type.Kind}", "put", gvk),
            };
            paths[$"{prefix}{scope}/{type.Plural}"] = new JsonObject { ["post"] = Operation($"create{type.Kind}", "post", gvk) };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (SecretFleet emulator)", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Operation(string id, string action, JsonObject gvk)
    {
        JsonObject Query(string name) => new() { ["name"] = name, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } };
        return new JsonObject
        {
            ["operationId"] = id,
            ["parameters"] = new JsonArray(Query("dryRun"), Query("fieldManager"), Query("fieldValidation"), Query("force")),
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
    }
}
