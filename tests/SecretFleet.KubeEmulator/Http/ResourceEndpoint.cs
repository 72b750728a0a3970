using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>Maps HTTP methods and query parameters on a resource URL to the verbs of <see cref="ResourceService"/>.</summary>
internal sealed class ResourceEndpoint(ResourceService service, WatchStreamer watches, ScaleSubresource scale, TimeProvider time)
{
    public async Task HandleAsync(HttpContext context, ResourceType type, ApiPath api)
    {
        var method = context.Request.Method;
        var cancellationToken = context.RequestAborted;
        var ns = api.Namespace;
        if (api.Subresource == "scale")
        {
            await scale.HandleAsync(context, type, ns, api.Name!);
            return;
        }

        ApiResult result;
        switch (method, api.Name)
        {
            case ("GET", null):
                var (list, listError) = ParseListOptions(context);
                if (listError is not null)
                {
                    result = listError;
                    break;
                }

                if (api.LegacyWatch || HttpIo.QueryFlag(context, "watch"))
                {
                    await watches.StreamAsync(context, type, ns, list!, TableConverter.Wanted(context.Request.Headers.Accept));
                    return;
                }

                result = service.List(type, ns, list!);
                break;
            case ("GET", { } name):
                if (api.LegacyWatch || HttpIo.QueryFlag(context, "watch"))
                {
                    var single = ListOptions.Everything with { Fields = FieldSelector.Parse($"metadata.name={name}").Selector! };
                    await watches.StreamAsync(context, type, ns, single, TableConverter.Wanted(context.Request.Headers.Accept));
                    return;
                }

                result = service.Get(type, ns, name);
                break;
            case ("POST", null):
                var (created, createError) = await HttpIo.ReadObjectAsync(context);
                result = created is null ? createError! : await service.CreateAsync(type, ns, created, WriteOptions(context), cancellationToken);
                break;
            case ("PUT", { } name):
                var (replacement, putError) = await HttpIo.ReadObjectAsync(context);
                result = replacement is null ? putError! : await service.UpdateAsync(type, ns, name, api.Subresource, replacement, WriteOptions(context), cancellationToken);
                break;
            case ("PATCH", { } name):
                result = PatchTypeOf(context.Request.ContentType) is { } patchType
                    ? await service.PatchAsync(type, ns, name, api.Subresource, patchType, await HttpIo.ReadBodyAsync(context), WriteOptions(context), cancellationToken)
                    : ApiStatus.UnsupportedMediaType(context.Request.ContentType ?? "");
                break;
            case ("DELETE", { } name):
                result = await service.DeleteAsync(type, ns, name, await ReadDeleteOptionsAsync(context), cancellationToken);
                break;
            case ("DELETE", null):
                var (selection, selectionError) = ParseListOptions(context);
                result = selection is null ? selectionError! : await service.DeleteCollectionAsync(type, ns, selection, await ReadDeleteOptionsAsync(context), cancellationToken);
                break;
            default:
                result = ApiStatus.MethodNotAllowed(method, api.Name is null ? type.QualifiedResource : $"{type.QualifiedResource}/{api.Name}");
                break;
        }

        await WriteResultAsync(context, type, result, method == "GET");
    }

    private async Task WriteResultAsync(HttpContext context, ResourceType type, ApiResult result, bool readOnly)
    {
        if (result.Error is { } error)
        {
            await HttpIo.WriteStatusAsync(context, error);
            return;
        }

        var body = result.Object!;
        if (readOnly && TableConverter.Wanted(context.Request.Headers.Accept))
        {
            var isList = body["items"] is JsonArray;
            var objects = isList ? ((JsonArray)body["items"]!).OfType<JsonObject>() : [body];
            var metadata = isList ? (JsonObject)body["metadata"]!.DeepClone() : new JsonObject { ["resourceVersion"] = body["metadata"]?["resourceVersion"]?.DeepClone() };
            body = TableConverter.Convert(type, objects, metadata, HttpIo.Query(context, "includeObject"), true, time.GetUtcNow());
        }

        await HttpIo.WriteJsonAsync(context, result.Code, body, result.Warnings);
    }

    private static (ListOptions? Options, ApiStatus? Error) ParseListOptions(HttpContext context)
    {
        var (labels, labelError) = LabelSelector.Parse(HttpIo.Query(context, "labelSelector"));
        var (fields, fieldError) = FieldSelector.Parse(HttpIo.Query(context, "fieldSelector"));
        if (labels is null || fields is null)
        {
            return (null, ApiStatus.BadRequest(labelError ?? fieldError!));
        }

        var limit = int.TryParse(HttpIo.Query(context, "limit"), System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : (int?)null;
        return (new ListOptions(labels, fields, limit, HttpIo.Query(context, "continue")), null);
    }

    /// <summary>Without a fieldManager a real server names the writer after the first word of its User-Agent.</summary>
    private static WriteOptions WriteOptions(HttpContext context)
    {
        var manager = HttpIo.Query(context, "fieldManager");
        if (manager is null && context.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) != true)
        {
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/', ' ')[0];
        }

        var validation = HttpIo.Query(context, "fieldValidation") switch
        {
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            _ => FieldValidation.Warn,
        };
        return new WriteOptions(manager ?? "", validation, HttpIo.Query(context, "dryRun") == "All", HttpIo.QueryFlag(context, "force"));
    }

    private static PatchType? PatchTypeOf(string? contentType) => contentType?.Split(';')[0].Trim() switch
    {
        "application/json-patch+json" => PatchType.Json,
        "application/merge-patch+json" => PatchType.Merge,
        "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
        "application/apply-patch+yaml" or "application/apply-patch+json" or "application/apply-patch+cbor" => PatchType.Apply,
        _ => null,
    };

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var text = await HttpIo.ReadBodyAsync(context);
        JsonObject? body = null;
        try
        {
            body = text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) as JsonObject : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // An unreadable DeleteOptions body: the query parameters still apply, as with no body.
        }

        return new DeleteOptions(
            Json.String(body?["propagationPolicy"]) ?? HttpIo.Query(context, "propagationPolicy")
                ?? (Json.TryBool(body?["orphanDependents"], out var orphan) && orphan ? DeleteOptions.Orphan : null),
            Json.String(body?["preconditions"]?["uid"]),
            Json.String(body?["preconditions"]?["resourceVersion"]),
            HttpIo.Query(context, "dryRun") == "All" || body?["dryRun"] is JsonArray { Count: > 0 },
            Json.TryInteger(body?["gracePeriodSeconds"], out var grace) || long.TryParse(HttpIo.Query(context, "gracePeriodSeconds"), out grace) ? grace : null);
    }
}
