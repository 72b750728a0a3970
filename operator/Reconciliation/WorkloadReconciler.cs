using k8s;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>What the workload step found and did.</summary>
/// <param name="Blocked">Nodes that cannot start, and why (a volume without its key).</param>
/// <param name="Created">Pods created by this reconcile.</param>
/// <param name="Removed">Pods deleted by this reconcile: above the replica count, or Failed (they come back).</param>
internal sealed record WorkloadReport(IReadOnlyList<string> Blocked, IReadOnlyList<string> Created, IReadOnlyList<string> Removed)
{
    public static WorkloadReport None { get; } = new([], [], []);

    /// <summary>PVCs and key Secrets of nodes that left the fleet, deleted by this reconcile (deletionPolicy Delete).</summary>
    public IReadOnlyList<string> DeletedData { get; init; } = [];
}

/// <summary>
/// The node workload, with the operator's field manager: the NetworkPolicy, the headless Service (recording the
/// applied shape and image) and the PodDisruptionBudget, then per node, in this order, its key Secret, its PVC and its pod — the pod only once
/// its own certificate is issued, and never while an older fleet's StatefulSet still runs the pods. Pods above the
/// node count go; a Failed pod is deleted so that the next reconcile makes it anew (what a StatefulSet did). Once a
/// node that left is gone, its PVC and key Secret follow <c>spec.deletionPolicy</c>: Retain keeps them, Delete deletes them.
/// Running pods are never changed here: <see cref="PodRoller"/> replaces stale ones between epochs.
/// </summary>
internal sealed class WorkloadReconciler(IKubeApi api, NodeNetworkPeers peers, NodeKeyReconciler keys)
{
    /// <summary>Applies the fleet-wide objects and creates what each node lacks; <paramref name="image"/> is what new pods run (<see cref="NodeImagePolicy"/> decided it).</summary>
    public async Task<WorkloadReport> ReconcileAsync(ClusterState state, FleetShape shape, string image, CertificateReport certificates, NodeKeys nodeKeys, CancellationToken cancellationToken)
    {
        var cluster = state.Cluster;
        var names = state.Names;
        // Before any node pod exists, so that no node ever listens unguarded where NetworkPolicy is enforced.
        await api.ApplyAsync(NetworkPolicySpec.Build(cluster, peers), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        await api.ApplyAsync(HeadlessServiceSpec.Build(cluster, shape.Replicas, shape.Threshold, image), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        await api.ApplyAsync(PodDisruptionBudgetSpec.Build(cluster, shape.Threshold), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        var claims = await ClaimsAsync(names, cancellationToken).ConfigureAwait(false);
        var blocked = new List<string>();
        var created = new List<string>();
        var removed = new List<string>();
        for (var ordinal = 0; ordinal < shape.Nodes; ordinal++)
        {
            var claimTerminating = claims.TryGetValue(ordinal, out var terminating) && terminating;
            if (await keys.EnsureAsync(cluster, nodeKeys, ordinal, claims.ContainsKey(ordinal), cancellationToken).ConfigureAwait(false) is { } why)
            {
                blocked.Add(why);
                continue;
            }

            if (!claims.ContainsKey(ordinal))
            {
                await CreateAsync(DataClaimSpec.Build(cluster, ordinal), cancellationToken).ConfigureAwait(false);
            }

            if (state.LegacyStatefulSet is not null)
            {
                // Its controller runs pods NAME-i until the migration takes them over.
                continue;
            }

            if (state.AnyPodAt(ordinal) is { } pod)
            {
                if (pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase == "Failed")
                {
                    await api.DeleteAsync(KubeResources.Pods, names.Namespace, pod.Metadata.Name!, new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
                    removed.Add(pod.Metadata.Name!);
                }

                continue;
            }

            // A pod mounting a terminating PVC would keep it from ever going (the PVC is protected while in use).
            if (claimTerminating || !certificates.IssuedNodes.Contains(ordinal))
            {
                continue;
            }

            if (await CreateAsync(NodePodSpec.Build(cluster, image, ordinal, shape.Threshold), cancellationToken).ConfigureAwait(false))
            {
                created.Add(names.Pod(ordinal));
            }
        }

        if (state.LegacyStatefulSet is null)
        {
            foreach (var pod in state.Pods)
            {
                if (pod.Metadata.DeletionTimestamp is null && names.PodOrdinal(pod.Metadata.Name ?? "") is { } ordinal && ordinal >= shape.Nodes)
                {
                    await api.DeleteAsync(KubeResources.Pods, names.Namespace, pod.Metadata.Name!, new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
                    removed.Add(pod.Metadata.Name!);
                }
            }
        }

        var deleted = cluster.Spec.DeletionPolicy == DeletionPolicy.Delete && state.LegacyStatefulSet is null
            ? await DeleteDepartedDataAsync(state, shape.Nodes, claims, cancellationToken).ConfigureAwait(false)
            : [];
        return new WorkloadReport(blocked, created, removed) { DeletedData = deleted };
    }

    /// <summary>
    /// With deletionPolicy Delete, the PVC and key Secret of every ordinal at or above <paramref name="nodes"/> whose pod
    /// is gone: a node leaves only when a resharing commits, which erased its shares, so this destroys no secret.
    /// </summary>
    private async Task<IReadOnlyList<string>> DeleteDepartedDataAsync(ClusterState state, int nodes, IReadOnlyDictionary<int, bool> claims, CancellationToken cancellationToken)
    {
        var names = state.Names;
        var deleted = new List<string>();
        foreach (var (ordinal, terminating) in claims.OrderBy(c => c.Key))
        {
            // The volume goes only once no pod can run on it.
            if (ordinal < nodes || terminating || state.AnyPodAt(ordinal) is not null)
            {
                continue;
            }

            if (await api.DeleteAsync(KubeResources.PersistentVolumeClaims, names.Namespace, names.DataClaim(ordinal), null, cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(names.DataClaim(ordinal));
            }

            if (await api.DeleteAsync(KubeResources.Secrets, names.Namespace, names.NodeKeySecret(ordinal), null, cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(names.NodeKeySecret(ordinal));
            }
        }

        return deleted;
    }

    /// <summary>The hash node <paramref name="ordinal"/>'s pod carries when built from the current spec with <paramref name="image"/>.</summary>
    public static string DesiredHash(SecretCluster cluster, string image, int ordinal, int threshold) =>
        NodePodSpec.TemplateHashOf(NodePodSpec.Build(cluster, image, ordinal, threshold))!;

    /// <summary>Both hashes of node <paramref name="ordinal"/>'s pod as built now: the current one and the one older operators gave it.</summary>
    public static PodTemplateHashes DesiredHashes(SecretCluster cluster, string image, int ordinal, int threshold) =>
        new(DesiredHash(cluster, image, ordinal, threshold), NodePodSpec.LegacyTemplateHash(cluster, image, ordinal, threshold));

    /// <summary>Ordinal → whether it is terminating, for every PVC <c>data-NAME-i</c> (by name: older fleets' PVCs were named so too).</summary>
    private async Task<IReadOnlyDictionary<int, bool>> ClaimsAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var claims = await api.ListAsync<V1PersistentVolumeClaim>(names.Namespace, null, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<int, bool>();
        foreach (var claim in claims.Items)
        {
            if (names.ClaimOrdinal(claim.Metadata.Name ?? "") is { } ordinal)
            {
                found[ordinal] = claim.Metadata.DeletionTimestamp is not null;
            }
        }

        return found;
    }

    /// <summary>Creates an object unless its namesake exists (a concurrent reconcile, or a pod still terminating); true if it created it.</summary>
    private async Task<bool> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            await api.CreateAsync(obj, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            return false;
        }
    }
}
