using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// The node workload: the node-keys Secret (first: pods mount it), the headless Service, the StatefulSet and
/// the PodDisruptionBudget, all with the operator's field manager and a controller reference.
/// </summary>
internal sealed class WorkloadReconciler(IKubeApi api, string defaultNodeImage, Func<int, byte[]>? newKey = null)
{
    /// <summary>Applies the workload for <paramref name="shape"/> and returns the StatefulSet as the server has it.</summary>
    public async Task<StatefulSet> ReconcileAsync(SecretCluster cluster, FleetShape shape, CancellationToken cancellationToken)
    {
        await EnsureNodeKeysAsync(cluster, shape.Replicas, cancellationToken).ConfigureAwait(false);
        await api.ApplyAsync(HeadlessServiceSpec.Build(cluster), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        var statefulSet = await api.ApplyAsync(StatefulSetSpec.Build(cluster, defaultNodeImage, shape.Replicas, shape.Threshold), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        await api.ApplyAsync(PodDisruptionBudgetSpec.Build(cluster, shape.Threshold), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        return KubeObjects.As<StatefulSet>(statefulSet);
    }

    /// <summary>
    /// Creates the Secret with keys for every ordinal, or adds the keys of new ordinals to it. Existing keys are
    /// never rewritten (that would make a node's stored shares unreadable): the patch names the resourceVersion
    /// it was computed from, so a concurrent writer makes it fail instead. A Secret kept by deletionPolicy Retain
    /// is adopted by putting this SecretCluster's controller reference on it.
    /// </summary>
    internal async Task EnsureNodeKeysAsync(SecretCluster cluster, int replicas, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        var existing = await api.GetAsync<Secret>(names.Namespace, names.NodeKeysSecret, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await api.CreateAsync(NodeKeysSecretSpec.Build(cluster, replicas, newKey), cancellationToken).ConfigureAwait(false);
            return;
        }

        var missing = NodeKeysSecretSpec.MissingKeys(existing, replicas, newKey);
        var owned = existing.Metadata.OwnerReferences?.Any(o => o.Uid == cluster.Metadata.Uid) == true;
        if (missing.Count == 0 && owned)
        {
            return;
        }

        var metadata = new JsonObject { ["resourceVersion"] = existing.Metadata.ResourceVersion };
        if (!owned)
        {
            var references = new JsonArray();
            foreach (var reference in existing.Metadata.OwnerReferences ?? [])
            {
                if (reference.Kind != SecretCluster.KindName)
                {
                    references.Add(System.Text.Json.JsonSerializer.SerializeToNode(reference, Kube.Json.KubeJson.Options));
                }
            }

            references.Add(System.Text.Json.JsonSerializer.SerializeToNode(OwnerReference.ControllerOf(cluster), Kube.Json.KubeJson.Options));
            metadata["ownerReferences"] = references;
            metadata["labels"] = ChildMetadata.ToJson(ChildMetadata.Labels(names.Cluster, LabelsAndAnnotations.Components.Node));
        }

        var patch = new JsonObject { ["metadata"] = metadata };
        if (missing.Count > 0)
        {
            var data = new JsonObject();
            foreach (var (file, key) in missing)
            {
                data[file] = Convert.ToBase64String(key);
            }

            patch["data"] = data;
        }

        await api.PatchAsync<Secret>(names.Namespace, names.NodeKeysSecret, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
    }
}
