using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The StatefulSet controller: keeps pods <c>NAME-i</c> for the ordinals in range (creating their claims first, waiting
/// for a terminating claim or pod of that name to be gone), deletes Failed pods and pods above the replica count,
/// honours <c>podManagementPolicy</c> (Parallel, or OrderedReady: one pod at a time), the claims' retention policy, and
/// writes the status (replicas, readyReplicas, currentReplicas, updatedReplicas, revisions, observedGeneration).
/// Updates never replace running pods (OnDelete: a deleted pod comes back with the current template).
/// </summary>
internal sealed class StatefulSetController(ResourceService service) : IEmulatedController
{
    private const string Manager = "statefulset-controller";

    public string Name => "statefulset-controller";

    public bool Watches(GroupResource resource) =>
        resource == BuiltInResources.StatefulSets || resource == BuiltInResources.Pods || resource == BuiltInResources.PersistentVolumeClaims;

    public async Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken)
    {
        foreach (var stored in service.Store.List(BuiltInResources.StatefulSets, null).Items.Where(s => !s.Deleting))
        {
            await ReconcileSetAsync(stored.Parse(), cancellationToken);
        }
    }

    private async Task ReconcileSetAsync(JsonObject set, CancellationToken cancellationToken)
    {
        var ns = ObjectMeta.Namespace(set);
        var name = ObjectMeta.Name(set);
        var uid = ObjectMeta.Uid(set);
        var revision = StatefulSetPods.Revision(set);
        var first = StatefulSetPods.FirstOrdinal(set);
        var end = first + StatefulSetPods.Replicas(set);
        var ordered = Json.String(set["spec"]?["podManagementPolicy"]) == "OrderedReady";
        var pods = service.Store.List(BuiltInResources.Pods, ns).Items
            .Where(p => p.OwnerUids.Contains(uid))
            .Select(p => p.Parse())
            .ToDictionary(ObjectMeta.Name, StringComparer.Ordinal);
        var podType = service.Registry.Find(BuiltInResources.Pods)!;

        for (var ordinal = first; ordinal < end; ordinal++)
        {
            var podName = $"{name}-{ordinal}";
            if (pods.TryGetValue(podName, out var pod))
            {
                if (!ObjectMeta.IsDeleting(pod) && Json.String(pod["status"]?["phase"]) == "Failed")
                {
                    await service.DeleteAsync(podType, ns, podName, new DeleteOptions(PreconditionUid: ObjectMeta.Uid(pod)), cancellationToken);
                }

                if (ordered && !Conditions.IsTrue(pod, "Ready"))
                {
                    break;
                }

                continue;
            }

            if (service.Store.Get(BuiltInResources.Pods, ns, podName) is not null)
            {
                // A pod of that name that is not ours (yet or any more): wait until it is gone.
                continue;
            }

            if (await EnsureClaimsAsync(set, ordinal, cancellationToken))
            {
                var created = await service.CreateAsync(podType, ns, StatefulSetPods.Pod(set, ordinal, revision), new WriteOptions(Manager), cancellationToken);
                if (created.Error is { Code: not 409 } error)
                {
                    throw new InvalidOperationException($"The emulated StatefulSet controller could not create pod {ns}/{podName}: {error.Message}");
                }
            }

            if (ordered)
            {
                break;
            }
        }

        var condemned = pods.Values
            .Where(p => StatefulSetPods.Ordinal(name, ObjectMeta.Name(p)) is not { } o || o < first || o >= end)
            .OrderByDescending(p => StatefulSetPods.Ordinal(name, ObjectMeta.Name(p)) ?? int.MaxValue)
            .ToList();
        foreach (var pod in condemned.Where(p => !ObjectMeta.IsDeleting(p)).Take(ordered ? 1 : int.MaxValue))
        {
            await service.DeleteAsync(podType, ns, ObjectMeta.Name(pod), new DeleteOptions(PreconditionUid: ObjectMeta.Uid(pod)), cancellationToken);
        }

        await ReconcileClaimOwnershipAsync(set, first, end, pods, cancellationToken);
        await WriteStatusAsync(set, revision, pods.Values.Where(p => StatefulSetPods.Ordinal(name, ObjectMeta.Name(p)) is { } o && o >= first && o < end).ToList(), cancellationToken);
    }

    /// <summary>Creates the ordinal's missing claims; false while one of them is still terminating.</summary>
    private async Task<bool> EnsureClaimsAsync(JsonObject set, int ordinal, CancellationToken cancellationToken)
    {
        var ns = ObjectMeta.Namespace(set);
        var claimType = service.Registry.Find(BuiltInResources.PersistentVolumeClaims)!;
        foreach (var template in StatefulSetPods.ClaimTemplates(set))
        {
            var claimName = StatefulSetPods.ClaimName(template, ObjectMeta.Name(set), ordinal);
            var existing = service.Store.Get(BuiltInResources.PersistentVolumeClaims, ns, claimName);
            if (existing is { Deleting: true })
            {
                return false;
            }

            if (existing is null)
            {
                var created = await service.CreateAsync(claimType, ns, StatefulSetPods.Claim(set, template, ordinal), new WriteOptions(Manager), cancellationToken);
                if (created.Error is { Code: not 409 } error)
                {
                    throw new InvalidOperationException($"The emulated StatefulSet controller could not create claim {ns}/{claimName}: {error.Message}");
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Keeps the claims' owner references in line with the retention policy: owned by the set when whenDeleted is
    /// Delete; deleted once their pod is gone after a scale-down when whenScaled is Delete.
    /// </summary>
    private async Task ReconcileClaimOwnershipAsync(JsonObject set, int first, int end, Dictionary<string, JsonObject> pods, CancellationToken cancellationToken)
    {
        var ns = ObjectMeta.Namespace(set);
        var name = ObjectMeta.Name(set);
        var uid = ObjectMeta.Uid(set);
        var owned = StatefulSetPods.DeleteClaimsWithSet(set);
        var claimType = service.Registry.Find(BuiltInResources.PersistentVolumeClaims)!;
        var templates = StatefulSetPods.ClaimTemplates(set).Select(ObjectMeta.Name).ToList();
        foreach (var claim in service.Store.List(BuiltInResources.PersistentVolumeClaims, ns).Items.Where(c => !c.Deleting))
        {
            var template = templates.FirstOrDefault(t => claim.Name.StartsWith($"{t}-{name}-", StringComparison.Ordinal));
            if (template is null || StatefulSetPods.Ordinal(name, claim.Name[(template.Length + 1)..]) is not { } ordinal)
            {
                continue;
            }

            if ((ordinal < first || ordinal >= end) && StatefulSetPods.DeleteClaimsOnScaleDown(set) && !pods.ContainsKey($"{name}-{ordinal}"))
            {
                await service.DeleteAsync(claimType, ns, claim.Name, new DeleteOptions(PreconditionUid: claim.Uid), cancellationToken);
                continue;
            }

            if (claim.OwnerUids.Contains(uid) != owned)
            {
                await service.MutateAsync(claimType, ns, claim.Name, null, obj =>
                {
                    var references = new JsonArray([.. ObjectMeta.OwnerReferences(obj).Where(r => Json.String(r["uid"]) != uid).Select(r => (JsonNode)r.DeepClone())]);
                    if (owned)
                    {
                        references.Add(StatefulSetPods.OwnerReference(set));
                    }

                    ObjectMeta.Metadata(obj)["ownerReferences"] = references;
                    if (references.Count == 0)
                    {
                        ObjectMeta.Metadata(obj).Remove("ownerReferences");
                    }

                    return true;
                }, Manager, cancellationToken);
            }
        }
    }

    private async Task WriteStatusAsync(JsonObject set, string revision, List<JsonObject> pods, CancellationToken cancellationToken)
    {
        var updated = pods.Count(p => ObjectMeta.Labels(p).GetValueOrDefault(StatefulSetPods.RevisionLabel) == revision);
        var ready = pods.Count(p => !ObjectMeta.IsDeleting(p) && Conditions.IsTrue(p, "Ready"));
        var setType = service.Registry.Find(BuiltInResources.StatefulSets)!;
        await service.MutateAsync(setType, ObjectMeta.Namespace(set), ObjectMeta.Name(set), "status", obj =>
        {
            if (ObjectMeta.Uid(obj) != ObjectMeta.Uid(set))
            {
                return false;
            }

            var previous = obj["status"] as JsonObject;
            var current = updated == pods.Count ? revision : Json.String(previous?["currentRevision"]) ?? revision;
            var status = new JsonObject
            {
                ["observedGeneration"] = ObjectMeta.Generation(obj),
                ["replicas"] = pods.Count,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["currentReplicas"] = pods.Count(p => ObjectMeta.Labels(p).GetValueOrDefault(StatefulSetPods.RevisionLabel) == current),
                ["updatedReplicas"] = updated,
                ["currentRevision"] = current,
                ["updateRevision"] = revision,
                ["collisionCount"] = 0,
            };
            if (JsonNode.DeepEquals(status, previous))
            {
                return false;
            }

            obj["status"] = status;
            return true;
        }, Manager, cancellationToken);
    }
}
