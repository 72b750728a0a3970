namespace SecretFleet.KubeEmulator;

/// <summary>
/// The garbage collector, by owner uid: deletes objects all of whose owners are gone (background cascade, which
/// recurses through the dependents' own dependents), finishes Foreground deletions once no dependent is left
/// (deleting the dependents first), and for Orphan deletions strips the owner reference before letting the owner go.
/// </summary>
internal sealed class GarbageCollector(ResourceService service) : IEmulatedController
{
    private const string Manager = "generic-garbage-collector";

    public string Name => "garbage-collector";

    public bool Watches(GroupResource resource) => true;

    public async Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken)
    {
        var all = service.Store.All();
        var uids = all.Select(o => o.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var orphaned in all.Where(o => o.OwnerUids.Count > 0 && !o.OwnerUids.Any(uids.Contains)))
        {
            await DeleteAsync(orphaned, DeleteOptions.Background, cancellationToken);
        }

        foreach (var owner in all.Where(o => o.Deleting))
        {
            var dependents = all.Where(o => o.OwnerUids.Contains(owner.Uid) && uids.Contains(o.Uid)).ToList();
            if (owner.Finalizers.Contains(ResourceService.OrphanFinalizer))
            {
                foreach (var dependent in dependents)
                {
                    await MutateAsync(dependent, obj =>
                    {
                        var references = ObjectMeta.Metadata(obj)["ownerReferences"] as System.Text.Json.Nodes.JsonArray;
                        var mine = references?.FirstOrDefault(r => Json.String(r?["uid"]) == owner.Uid);
                        if (mine is null || !references!.Remove(mine))
                        {
                            return false;
                        }

                        if (references.Count == 0)
                        {
                            ObjectMeta.Metadata(obj).Remove("ownerReferences");
                        }

                        return true;
                    }, cancellationToken);
                }

                await RemoveFinalizerAsync(owner, ResourceService.OrphanFinalizer, cancellationToken);
            }
            else if (owner.Finalizers.Contains(ResourceService.ForegroundFinalizer))
            {
                if (dependents.Count == 0)
                {
                    await RemoveFinalizerAsync(owner, ResourceService.ForegroundFinalizer, cancellationToken);
                }

                foreach (var dependent in dependents.Where(d => !d.Deleting))
                {
                    await DeleteAsync(dependent, DeleteOptions.Foreground, cancellationToken);
                }
            }
        }
    }

    private async Task DeleteAsync(StoredObject obj, string propagation, CancellationToken cancellationToken)
    {
        if (service.Registry.Find(obj.Resource) is { } type)
        {
            await service.DeleteAsync(type, obj.Namespace, obj.Name, new DeleteOptions(propagation, obj.Uid), cancellationToken);
        }
    }

    private Task RemoveFinalizerAsync(StoredObject obj, string finalizer, CancellationToken cancellationToken) =>
        MutateAsync(obj, o =>
        {
            var finalizers = ObjectMeta.Finalizers(o);
            ObjectMeta.SetFinalizers(o, finalizers.Where(f => f != finalizer));
            return finalizers.Contains(finalizer);
        }, cancellationToken);

    private async Task MutateAsync(StoredObject obj, Func<System.Text.Json.Nodes.JsonObject, bool> change, CancellationToken cancellationToken)
    {
        if (service.Registry.Find(obj.Resource) is { } type)
        {
            await service.MutateAsync(type, obj.Namespace, obj.Name, null, o => ObjectMeta.Uid(o) == obj.Uid && change(o), Manager, cancellationToken);
        }
    }
}
