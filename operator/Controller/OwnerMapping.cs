using k8s;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Controller;

/// <summary>Maps a child (Pod, Certificate, Secret) back to the SecretCluster it belongs to.</summary>
internal static class OwnerMapping
{
    /// <summary>The key of the owning SecretCluster: its controller reference, else the <c>secretfleet.io/cluster</c> label.</summary>
    public static ClusterKey? KeyOf(IKubernetesObject<V1ObjectMeta> child)
    {
        ArgumentNullException.ThrowIfNull(child);
        var ns = child.Metadata.NamespaceProperty;
        if (string.IsNullOrEmpty(ns))
        {
            return null;
        }

        var owner = child.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == SecretCluster.KindName && o.ApiVersion.StartsWith(SecretCluster.ApiGroup + "/", StringComparison.Ordinal));
        if (owner is not null)
        {
            return new ClusterKey(ns, owner.Name);
        }

        return child.GetLabel(LabelsAndAnnotations.Cluster) is { Length: > 0 } cluster ? new ClusterKey(ns, cluster) : null;
    }
}
