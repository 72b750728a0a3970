using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The PodDisruptionBudget <c>NAME</c>: voluntary disruptions (drains) keep at least threshold nodes up, so
/// every secret stays recoverable while nodes are drained. <c>minAvailable</c> must stay a whole number: the node pods
/// are the operator's own, and for pods without a scalable controller the disruption controller honours only that.
/// </summary>
internal static class PodDisruptionBudgetSpec
{
    public static V1PodDisruptionBudget Build(SecretCluster cluster, int threshold)
    {
        var names = ChildNames.Of(cluster);
        return new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = ChildMetadata.For(cluster, names.PodDisruptionBudget, LabelsAndAnnotations.Components.Node),
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = threshold, Selector = ChildMetadata.NodePods(names.Cluster) },
        };
    }
}
