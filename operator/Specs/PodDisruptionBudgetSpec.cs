using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The PodDisruptionBudget <c>NAME</c>: voluntary disruptions (drains) keep at least threshold nodes up, so
/// every secret stays recoverable while nodes are drained. <c>minAvailable</c> must stay a whole number: the node pods
/// are the operator's own, and for pods without a scalable controller the disruption controller honours only that.
/// </summary>
internal static class PodDisruptionBudgetSpec
{
    public static KubeObject Build(SecretCluster cluster, int threshold)
    {
        var names = ChildNames.Of(cluster);
        return new KubeObject("policy/v1", "PodDisruptionBudget", ChildMetadata.For(cluster, names.PodDisruptionBudget, LabelsAndAnnotations.Components.Node), new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["minAvailable"] = threshold,
                ["selector"] = new JsonObject { ["matchLabels"] = ChildMetadata.ToJson(ChildMetadata.NodeSelector(names.Cluster)) },
            },
        });
    }
}
