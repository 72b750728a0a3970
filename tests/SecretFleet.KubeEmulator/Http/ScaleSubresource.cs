using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// <c>/scale</c> (autoscaling/v1 Scale) over <c>spec.replicas</c>: what <c>kubectl scale</c> reads and patches.
/// </summary>
internal sealed class ScaleSubresource(ResourceService service)
{
    public async Task HandleAsync(HttpContext context, ResourceType type, string? ns, string name)
    {
        var current = service.Get(type, ns, name);
        if (current.Error is { } missing)
        {
            await HttpIo.WriteStatusAsync(context, missing);
            return;
        }

        var scale = ToScale(current.Object!);
        switch (context.Request.Method)
        {
            case "GET":
                await HttpIo.WriteJsonAsync(context, 200, scale);
                return;
            case "PUT" or "PATCH":
                var text = await HttpIo.ReadBodyAsync(context);
                var desired = Desired(context.Request.Method, context.Request.ContentType, scale, text);
                if (desired is null)
                {
                    await HttpIo.WriteStatusAsync(context, ApiStatus.BadRequest("the Scale body is not JSON with an integer spec.replicas"));
                    return;
                }

                var result = await service.MutateAsync(type, ns, name, null, obj =>
                {
                    if (obj["spec"] is not JsonObject spec)
                    {
                        spec = [];
                        obj["spec"] = spec;
                    }

                    var changed = !Json.TryInteger(spec["replicas"], out var replicas) || replicas != desired;
                    spec["replicas"] = desired.Value;
                    return changed;
                }, HttpIo.Query(context, "fieldManager") ?? "kubectl", context.RequestAborted);
                if (result.Error is { } error)
                {
                    await HttpIo.WriteStatusAsync(context, error);
                }
                else
                {
                    await HttpIo.WriteJsonAsync(context, 200, ToScale(result.Object!));
                }

                return;
            default:
                await HttpIo.WriteStatusAsync(context, ApiStatus.MethodNotAllowed(context.Request.Method, $"{type.QualifiedResource}/{name}/scale"));
                return;
        }
    }

    private static long? Desired(string method, string? contentType, JsonObject scale, string text)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        if (method == "PATCH")
        {
            body = contentType?.StartsWith("application/json-patch", StringComparison.Ordinal) == true && body is JsonArray operations
                ? JsonPatch.Apply(scale, operations).Result
                : JsonMergePatch.Apply(scale.DeepClone(), body);
        }

        return Json.TryInteger(body?["spec"]?["replicas"], out var replicas) ? replicas : null;
    }

    private static JsonObject ToScale(JsonObject obj)
    {
        var labels = obj["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [];
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = ObjectMeta.Name(obj),
                ["namespace"] = ObjectMeta.Namespace(obj),
                ["uid"] = ObjectMeta.Uid(obj),
                ["resourceVersion"] = ObjectMeta.ResourceVersion(obj),
                ["creationTimestamp"] = ObjectMeta.String(obj, "creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = Json.TryInteger(obj["spec"]?["replicas"], out var r) ? r : 0 },
            ["status"] = new JsonObject
            {
                ["replicas"] = Json.TryInteger(obj["status"]?["replicas"], out var s) ? s : 0,
                ["selector"] = string.Join(",", labels.Select(p => $"{p.Key}={Json.String(p.Value)}")),
            },
        };
    }
}
