using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

internal sealed partial class ResourceService
{
    private static readonly string[] SystemMetadata =
        ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace"];

    /// <summary>PUT: replaces the object (or only its status through <c>/status</c>), with optimistic concurrency on resourceVersion.</summary>
    public async Task<ApiResult> UpdateAsync(
        ResourceType type, string? ns, string name, string? subresource, JsonObject body, WriteOptions options, CancellationToken cancellationToken)
    {
        using var _ = await WriteLockAsync(cancellationToken);
        var current = store.Get(type.GroupResource, Scope(type, ns), name);
        if (current is null)
        {
            return type.NotFound(name);
        }

        if (ObjectMeta.Name(body) is { Length: > 0 } bodyName && bodyName != name)
        {
            return ApiStatus.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        return await CommitUpdateAsync(type, current, body, subresource, options, ownershipRecorded: false, cancellationToken);
    }

    /// <summary>PATCH: JSON patch, merge patch, strategic merge patch, or server-side apply (which creates when absent).</summary>
    public async Task<ApiResult> PatchAsync(
        ResourceType type, string? ns, string name, string? subresource, PatchType patchType, string patch, WriteOptions options, CancellationToken cancellationToken)
    {
        using var _ = await WriteLockAsync(cancellationToken);
        var current = store.Get(type.GroupResource, Scope(type, ns), name);
        if (patchType == PatchType.Apply)
        {
            return await ApplyLockedAsync(type, ns, name, subresource, current, patch, options, cancellationToken);
        }

        if (current is null)
        {
            return type.NotFound(name);
        }

        JsonNode? patchNode;
        try
        {
            patchNode = JsonNode.Parse(patch);
        }
        catch (JsonException e)
        {
            return ApiStatus.BadRequest($"error decoding patch: {e.Message}");
        }

        var live = current.Parse();
        JsonNode? patched;
        switch (patchType, patchNode)
        {
            case (PatchType.Json, JsonArray operations):
                var (result, error) = JsonPatch.Apply(live, operations);
                if (error is not null)
                {
                    return new ApiStatus(422, "Invalid", $"the server rejected our request due to an error in our request: {error}");
                }

                patched = result;
                break;
            case (PatchType.Merge, JsonObject):
                patched = JsonMergePatch.Apply(live, patchNode);
                break;
            case (PatchType.StrategicMerge, JsonObject strategic) when type.Validation != ValidationSource.CustomResourceDefinition:
                patched = StrategicMergePatch.Apply(live, strategic);
                break;
            case (PatchType.StrategicMerge, _):
                return ApiStatus.UnsupportedMediaType("application/strategic-merge-patch+json (not supported for custom resources)");
            default:
                return ApiStatus.BadRequest("the patch body does not match its content type");
        }

        if (patched is not JsonObject patchedObject)
        {
            return ApiStatus.BadRequest("the patch does not leave an object");
        }

        if (ObjectMeta.Name(patchedObject) != name)
        {
            return ApiStatus.BadRequest($"the name of the object ({ObjectMeta.Name(patchedObject)}) does not match the name on the URL ({name})");
        }

        return await CommitUpdateAsync(type, current, patchedObject, subresource, options, ownershipRecorded: false, cancellationToken);
    }

    private async Task<ApiResult> ApplyLockedAsync(
        ResourceType type, string? ns, string name, string? subresource, StoredObject? current, string patch, WriteOptions options, CancellationToken cancellationToken)
    {
        if (options.FieldManager.Length == 0)
        {
            return ApiStatus.BadRequest("PATCH: fieldManager is required for apply requests");
        }

        var (configuration, parseError) = YamlJson.ParseObject(patch);
        if (configuration is null)
        {
            return ApiStatus.BadRequest($"error decoding YAML: {parseError}");
        }

        if (Json.String(configuration["apiVersion"]) is null || Json.String(configuration["kind"]) is null)
        {
            return ApiStatus.BadRequest("invalid object type: apply configurations need apiVersion and kind");
        }

        if (ObjectMeta.Name(configuration) != name)
        {
            return ApiStatus.BadRequest($"the name of the object ({ObjectMeta.Name(configuration)}) does not match the name on the URL ({name})");
        }

        var (merged, conflict) = ServerSideApply.Apply(type, current?.Parse(), configuration, options.FieldManager, options.Force, subresource, Now);
        if (conflict is not null)
        {
            return conflict;
        }

        if (current is null)
        {
            return subresource is null
                ? await CreateLockedAsync(type, ns, merged!, options, ownershipRecorded: true, cancellationToken)
                : type.NotFound(name);
        }

        return await CommitUpdateAsync(type, current, merged!, subresource, options, ownershipRecorded: true, cancellationToken);
    }

    /// <summary>
    /// The common end of every update: keep what the caller may not change (system metadata, status or everything
    /// but status), admit, record field ownership, bump generation on desired-state changes, finish a deletion whose
    /// finalizers are gone, and skip the write entirely when nothing changed (no new resourceVersion, no event).
    /// </summary>
    private async Task<ApiResult> CommitUpdateAsync(
        ResourceType type, StoredObject current, JsonObject incoming, string? subresource, WriteOptions options, bool ownershipRecorded, CancellationToken cancellationToken)
    {
        var live = current.Parse();
        if (ObjectMeta.ResourceVersion(incoming) is { Length: > 0 } expected && expected != ObjectMeta.ResourceVersion(live))
        {
            return type.Conflict(current.Name, "the object has been modified; please apply your changes to the latest version and try again");
        }

        var proposed = Restrict(type, live, incoming, subresource);
        if (ownershipRecorded)
        {
            ObjectMeta.Metadata(proposed)["managedFields"] = incoming["metadata"]?["managedFields"]?.DeepClone();
        }

        var (error, warnings) = await admission.AdmitAsync(type, proposed, live, options.Validation, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!ownershipRecorded)
        {
            ManagedFields.RecordUpdate(live, proposed, options.FieldManager, subresource, FieldScope.For(type, subresource), type.ApiVersion, Now);
        }

        if (type.TracksGeneration && DesiredStateChanged(live, proposed))
        {
            ObjectMeta.Metadata(proposed)["generation"] = ObjectMeta.Generation(live) + 1;
        }

        if (Equivalent(live, proposed))
        {
            return ApiResult.Ok(Present(type, live), 200, warnings);
        }

        if (options.DryRun)
        {
            return ApiResult.Ok(Present(type, proposed), 200, warnings);
        }

        var finished = ObjectMeta.IsDeleting(proposed) && !HasFinalizers(type, proposed);
        var stored = store.Commit(type.GroupResource, proposed, finished ? WatchEventType.Deleted : WatchEventType.Modified);
        AfterCommit(type, stored, finished ? WatchEventType.Deleted : WatchEventType.Modified);
        return ApiResult.Ok(Present(type, stored.Parse()), 200, warnings);
    }

    /// <summary>The object a write may produce: through /status only status changes; elsewhere status (if a subresource) stays.</summary>
    private static JsonObject Restrict(ResourceType type, JsonObject live, JsonObject incoming, string? subresource)
    {
        JsonObject proposed;
        if (subresource == "status")
        {
            proposed = (JsonObject)live.DeepClone();
            proposed["status"] = incoming["status"]?.DeepClone();
        }
        else
        {
            proposed = (JsonObject)incoming.DeepClone();
            if (type.HasStatus)
            {
                proposed["status"] = live["status"]?.DeepClone();
            }

            var metadata = ObjectMeta.Metadata(proposed);
            var liveMetadata = ObjectMeta.Metadata(live);
            foreach (var field in SystemMetadata)
            {
                metadata[field] = liveMetadata[field]?.DeepClone();
            }

            metadata["managedFields"] = liveMetadata["managedFields"]?.DeepClone();
        }

        if (proposed["status"] is null)
        {
            proposed.Remove("status");
        }

        foreach (var (key, value) in ObjectMeta.Metadata(proposed).ToList())
        {
            if (value is null)
            {
                ObjectMeta.Metadata(proposed).Remove(key);
            }
        }

        ObjectMeta.Metadata(proposed)["resourceVersion"] = ObjectMeta.ResourceVersion(live);
        return Present(type, proposed);
    }

    private static bool DesiredStateChanged(JsonObject before, JsonObject after)
    {
        static JsonObject Desired(JsonObject o) =>
            new(o.Where(p => p.Key is not ("metadata" or "status" or "apiVersion" or "kind")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        return !JsonNode.DeepEquals(Desired(before), Desired(after));
    }

    /// <summary>Equal apart from managedFields timestamps: such a write is a no-op, as on a real server.</summary>
    private static bool Equivalent(JsonObject before, JsonObject after)
    {
        static JsonObject Normalize(JsonObject o)
        {
            var copy = (JsonObject)o.DeepClone();
            foreach (var entry in (copy["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
            {
                entry.Remove("time");
            }

            return copy;
        }

        return JsonNode.DeepEquals(Normalize(before), Normalize(after));
    }
}
