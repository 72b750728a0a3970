using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>What a reconcile reads besides the SecretCluster: its StatefulSet and its node pods.</summary>
internal sealed record ClusterState(SecretCluster Cluster, ChildNames Names, StatefulSet? StatefulSet, IReadOnlyList<Pod> Pods)
{
    public static async Task<ClusterState> ReadAsync(IKubeApi api, SecretCluster cluster, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        var statefulSet = await api.GetAsync<StatefulSet>(names.Namespace, names.StatefulSet, cancellationToken).ConfigureAwait(false);
        var pods = await api.ListAsync<Pod>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.NodePodSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        return new ClusterState(cluster, names, statefulSet, pods.Items);
    }

    /// <summary>The pod of an ordinal, unless it is being deleted.</summary>
    public Pod? PodAt(int ordinal)
    {
        var name = Names.Pod(ordinal);
        return Pods.FirstOrDefault(p => p.Metadata.Name == name && p.Metadata.DeletionTimestamp is null);
    }

    /// <summary>Ready pods with an IP among ordinals 0..replicas-1.</summary>
    public IReadOnlyList<(int Ordinal, Pod Pod)> ReadyPods(int replicas)
    {
        var ready = new List<(int, Pod)>();
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (PodAt(ordinal) is { IsReady: true, Status.PodIP: { Length: > 0 } } pod)
            {
                ready.Add((ordinal, pod));
            }
        }

        return ready;
    }
}
