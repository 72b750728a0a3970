using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// What a reconcile reads besides the SecretCluster: the headless Service (which records the applied shape), the
/// StatefulSet of a fleet from before per-node identities (null once migrated), and the node pods.
/// </summary>
internal sealed record ClusterState(SecretCluster Cluster, ChildNames Names, V1Service? Service, V1StatefulSet? LegacyStatefulSet, IReadOnlyList<V1Pod> Pods)
{
    public static async Task<ClusterState> ReadAsync(IKubeApi api, SecretCluster cluster, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        var service = await api.GetAsync<V1Service>(names.Namespace, names.Service, cancellationToken).ConfigureAwait(false);
        var statefulSet = await api.GetAsync<V1StatefulSet>(names.Namespace, names.LegacyStatefulSet, cancellationToken).ConfigureAwait(false);
        if (statefulSet is not null && statefulSet.GetLabel(LabelsAndAnnotations.Cluster) != names.Cluster)
        {
            // Not ours: a namesake someone else made is neither run nor migrated.
            statefulSet = null;
        }

        var pods = await api.ListAsync<V1Pod>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.NodePodSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        return new ClusterState(cluster, names, service, statefulSet, pods.Items);
    }

    /// <summary>The shape the operator applied last: the status's record, else the Service's, else an older fleet's StatefulSet.</summary>
    public AppliedShape? Applied => AppliedShape.OfStatus(Cluster.Status) ?? AppliedShape.OfService(Service) ?? AppliedShape.OfLegacy(LegacyStatefulSet);

    /// <summary>The pod of an ordinal, unless it is being deleted.</summary>
    public V1Pod? PodAt(int ordinal)
    {
        var name = Names.Pod(ordinal);
        return Pods.FirstOrDefault(p => p.Metadata.Name == name && p.Metadata.DeletionTimestamp is null);
    }

    /// <summary>The pod object of an ordinal, terminating or not: a new pod of that name cannot be created while it exists.</summary>
    public V1Pod? AnyPodAt(int ordinal)
    {
        var name = Names.Pod(ordinal);
        return Pods.FirstOrDefault(p => p.Metadata.Name == name);
    }

    /// <summary>Ready pods with an IP among ordinals 0..replicas-1.</summary>
    public IReadOnlyList<(int Ordinal, V1Pod Pod)> ReadyPods(int replicas)
    {
        var ready = new List<(int, V1Pod)>();
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (PodAt(ordinal) is { Status.PodIP: { Length: > 0 } } pod && pod.IsReady())
            {
                ready.Add((ordinal, pod));
            }
        }

        return ready;
    }

    /// <summary>True when a pod still runs the layout from before per-node identities (it mounts the shared node Secret).</summary>
    public bool IsLegacy(V1Pod pod) => NodePodSpec.MountedSecrets(pod).Any(s => s == Names.LegacyNodeTlsSecret || s == Names.LegacyNodeKeysSecret);
}
