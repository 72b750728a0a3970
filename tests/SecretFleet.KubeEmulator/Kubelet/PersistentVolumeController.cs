using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Storage for PersistentVolumeClaims: binds every claim at once to a fresh directory of the node (a dynamically
/// provisioned volume: phase Bound, the requested capacity; storage classes are not checked), protects a claim in use
/// with the <c>kubernetes.io/pvc-protection</c> finalizer until no pod uses it, and deletes the directory once the
/// claim is gone (reclaim policy Delete).
/// </summary>
internal sealed class PersistentVolumeController(ResourceService service, VolumeDirectories claims) : IEmulatedController
{
    public const string ProtectionFinalizer = "kubernetes.io/pvc-protection";
    private const string Manager = "persistentvolume-controller";

    public string Name => "persistentvolume-controller";

    public bool Watches(GroupResource resource) => resource == BuiltInResources.PersistentVolumeClaims || resource == BuiltInResources.Pods;

    public async Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken)
    {
        var claimType = service.Registry.Find(BuiltInResources.PersistentVolumeClaims)!;
        var all = service.Store.List(BuiltInResources.PersistentVolumeClaims, null).Items;
        foreach (var claim in all)
        {
            if (claim.Deleting)
            {
                if (claim.Finalizers.Contains(ProtectionFinalizer) && !InUse(claim))
                {
                    await MutateAsync(claimType, claim, obj =>
                    {
                        ObjectMeta.SetFinalizers(obj, ObjectMeta.Finalizers(obj).Where(f => f != ProtectionFinalizer));
                        return true;
                    }, null, cancellationToken);
                }

                continue;
            }

            if (!claim.Finalizers.Contains(ProtectionFinalizer))
            {
                await MutateAsync(claimType, claim, obj =>
                {
                    ObjectMeta.SetFinalizers(obj, ObjectMeta.Finalizers(obj).Append(ProtectionFinalizer));
                    return true;
                }, null, cancellationToken);
            }

            var parsed = claim.Parse();
            if (Json.String(parsed["status"]?["phase"]) != "Bound")
            {
                claims.Provision(claim.Uid);
                await MutateAsync(claimType, claim, obj =>
                {
                    obj["status"] = new JsonObject
                    {
                        ["phase"] = "Bound",
                        ["accessModes"] = obj["spec"]?["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce"),
                        ["capacity"] = new JsonObject { ["storage"] = obj["spec"]?["resources"]?["requests"]?["storage"]?.DeepClone() ?? "1Gi" },
                    };
                    return true;
                }, "status", cancellationToken);
            }
        }

        var live = all.Select(c => c.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in claims.Provisioned().Where(uid => !live.Contains(uid)))
        {
            claims.Release(gone);
        }
    }

    /// <summary>A pod that has not finished still names the claim (the kubelet may be stopping it).</summary>
    private bool InUse(StoredObject claim) =>
        service.Store.List(BuiltInResources.Pods, claim.Namespace).Items.Select(p => p.Parse()).Any(pod =>
            Json.String(pod["status"]?["phase"]) is not ("Succeeded" or "Failed")
            && (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>().Any(v => Json.String(v["persistentVolumeClaim"]?["claimName"]) == claim.Name));

    private async Task MutateAsync(ResourceType type, StoredObject claim, Func<JsonObject, bool> change, string? subresource, CancellationToken cancellationToken)
    {
        var result = await service.MutateAsync(type, claim.Namespace, claim.Name, subresource, obj => ObjectMeta.Uid(obj) == claim.Uid && change(obj), Manager, cancellationToken);
        if (result.Error is { Code: not 404 } error)
        {
            throw new InvalidOperationException($"The emulated volume controller could not update claim {claim.Namespace}/{claim.Name}: {error.Message}");
        }
    }
}
