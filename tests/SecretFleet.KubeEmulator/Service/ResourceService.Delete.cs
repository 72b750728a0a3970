using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

internal sealed partial class ResourceService
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    /// <summary>
    /// DELETE: an object without finalizers goes at once (its dependents are collected in the background);
    /// one with finalizers (or Foreground/Orphan propagation, which add theirs) gets a deletionTimestamp and stays
    /// until the finalizers are removed.
    /// </summary>
    public async Task<ApiResult> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken cancellationToken)
    {
        using var _ = await WriteLockAsync(cancellationToken);
        return DeleteLocked(type, Scope(type, ns), name, options);
    }

    public async Task<ApiResult> DeleteCollectionAsync(ResourceType type, string? ns, ListOptions list, DeleteOptions options, CancellationToken cancellationToken)
    {
        using var _ = await WriteLockAsync(cancellationToken);
        var (items, _) = store.List(type.GroupResource, Scope(type, ns));
        var deleted = new JsonArray();
        foreach (var item in items.Where(list.Matches))
        {
            if (DeleteLocked(type, item.Namespace, item.Name, options).Object is { } obj)
            {
                deleted.Add(obj);
            }
        }

        return ApiResult.Ok(new JsonObject { ["kind"] = type.ListKind, ["apiVersion"] = type.ApiVersion, ["metadata"] = new JsonObject(), ["items"] = deleted });
    }

    /// <summary>Read-modify-write for controllers: <paramref name="change"/> edits the object and says whether it changed it.</summary>
    public async Task<ApiResult> MutateAsync(
        ResourceType type, string? ns, string name, string? subresource, Func<JsonObject, bool> change, string fieldManager, CancellationToken cancellationToken)
    {
        using var _ = await WriteLockAsync(cancellationToken);
        var current = store.Get(type.GroupResource, Scope(type, ns), name);
        if (current is null)
        {
            return type.NotFound(name);
        }

        var obj = current.Parse();
        return change(obj)
            ? await CommitUpdateAsync(type, current, obj, subresource, new WriteOptions(fieldManager, FieldValidation.Ignore), ownershipRecorded: false, cancellationToken)
            : ApiResult.Ok(Present(type, obj));
    }

    private ApiResult DeleteLocked(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        var current = store.Get(type.GroupResource, ns, name);
        if (current is null)
        {
            return type.NotFound(name);
        }

        if (options.PreconditionUid is { Length: > 0 } uid && uid != current.Uid)
        {
            return type.Conflict(name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
        }

        if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return type.Conflict(name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}");
        }

        var obj = current.Parse();
        var finalizers = ObjectMeta.Finalizers(obj).ToList();
        var extra = options.PropagationPolicy switch
        {
            DeleteOptions.Foreground => ForegroundFinalizer,
            DeleteOptions.Orphan => OrphanFinalizer,
            _ => null,
        };
        if (extra is not null && !finalizers.Contains(extra) && HasDependents(current.Uid))
        {
            finalizers.Add(extra);
        }

        ObjectMeta.SetFinalizers(obj, finalizers);
        if (type.GroupResource == BuiltInResources.Namespaces && obj["status"] is JsonObject status)
        {
            status["phase"] = "Terminating";
        }

        if (GracefulPodDeletion.GracePeriod(type, obj, options) is { } grace)
        {
            // A pod bound to a node goes only once its kubelet stopped the containers and deleted it with grace 0.
            if (options.DryRun || !GracefulPodDeletion.Mark(obj, grace, time.GetUtcNow()))
            {
                return ApiResult.Ok(Present(type, obj));
            }

            return ApiResult.Ok(Present(type, store.Commit(type.GroupResource, obj, WatchEventType.Modified).Parse()));
        }

        if (!HasFinalizers(type, obj))
        {
            if (options.DryRun)
            {
                return ApiResult.Ok(Present(type, obj));
            }

            var deleted = store.Commit(type.GroupResource, obj, WatchEventType.Deleted);
            AfterCommit(type, deleted, WatchEventType.Deleted);
            return ApiResult.Ok(Present(type, deleted.Parse()));
        }

        if (!ObjectMeta.IsDeleting(obj))
        {
            ObjectMeta.Metadata(obj)["deletionTimestamp"] = Now;
            ObjectMeta.Metadata(obj)["deletionGracePeriodSeconds"] = 0L;
        }

        if (options.DryRun || Equivalent(current.Parse(), obj))
        {
            return ApiResult.Ok(Present(type, obj), 202);
        }

        var pending = store.Commit(type.GroupResource, obj, WatchEventType.Modified);
        return ApiResult.Ok(Present(type, pending.Parse()), 202);
    }

    private bool HasDependents(string uid) => store.All().Any(o => o.OwnerUids.Contains(uid));

    /// <summary>Metadata finalizers, and for namespaces the <c>spec.finalizers</c> the namespace controller clears.</summary>
    public static bool HasFinalizers(ResourceType type, JsonObject obj) =>
        ObjectMeta.Finalizers(obj).Count > 0
        || type.GroupResource == BuiltInResources.Namespaces && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };

    /// <summary>Side effects of a commit on what is served: an established CRD adds its resources, a deleted one removes them and their objects.</summary>
    private void AfterCommit(ResourceType type, StoredObject stored, WatchEventType change)
    {
        if (type.GroupResource != BuiltInResources.CustomResourceDefinitions)
        {
            return;
        }

        var crd = stored.Parse();
        var types = CustomResourceDefinitions.ResourceTypes(crd);
        if (change == WatchEventType.Deleted)
        {
            foreach (var resource in types.Select(t => t.GroupResource).Distinct())
            {
                foreach (var obj in store.List(resource, null).Items)
                {
                    store.Commit(resource, obj.Parse(), WatchEventType.Deleted);
                }

                registry.Unregister(resource);
            }
        }
        else if (!stored.Deleting)
        {
            registry.Register(types);
        }
    }
}
