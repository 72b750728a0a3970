using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>Labels, owner references and metadata every child of a SecretCluster carries.</summary>
internal static class ChildMetadata
{
    /// <summary>The labels of the contract: name, instance, managed-by, component and the cluster label.</summary>
    public static SortedDictionary<string, string> Labels(string cluster, string component) =>
        new(StringComparer.Ordinal)
        {
            [LabelsAndAnnotations.Name] = LabelsAndAnnotations.AppName,
            [LabelsAndAnnotations.Instance] = cluster,
            [LabelsAndAnnotations.ManagedBy] = LabelsAndAnnotations.ManagedByOperator,
            [LabelsAndAnnotations.Component] = component,
            [LabelsAndAnnotations.Cluster] = cluster,
        };

    /// <summary>The contract's labels plus the node's ordinal, for what belongs to one node (pod, Certificate, key Secret, PVC).</summary>
    public static SortedDictionary<string, string> NodeLabels(string cluster, string component, int ordinal)
    {
        var labels = Labels(cluster, component);
        labels[LabelsAndAnnotations.Ordinal] = ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return labels;
    }

    /// <summary>The node pods' selector (the Service's and the PodDisruptionBudget's); pods of older fleets match it too.</summary>
    public static SortedDictionary<string, string> NodeSelector(string cluster) =>
        new(StringComparer.Ordinal)
        {
            [LabelsAndAnnotations.Name] = LabelsAndAnnotations.AppName,
            [LabelsAndAnnotations.Instance] = cluster,
            [LabelsAndAnnotations.Component] = LabelsAndAnnotations.Components.Node,
        };

    /// <summary>Selects the node pods by <see cref="NodeSelector"/>'s labels.</summary>
    public static V1LabelSelector NodePods(string cluster) => new() { MatchLabels = NodeSelector(cluster) };

    /// <summary>Selects every child of one cluster (pods, certificates, their Secrets, PVCs).</summary>
    public static string ClusterSelector(string cluster) => $"{LabelsAndAnnotations.Cluster}={cluster}";

    /// <summary>Selects the node pods of one cluster.</summary>
    public static string NodePodSelector(string cluster) =>
        $"{LabelsAndAnnotations.Cluster}={cluster},{LabelsAndAnnotations.Component}={LabelsAndAnnotations.Components.Node}";

    /// <summary>Metadata of a child: name, namespace, the contract's labels and the controller reference.</summary>
    public static V1ObjectMeta For(SecretCluster owner, string name, string component, IDictionary<string, string>? annotations = null) =>
        For(owner, name, Labels(ChildNames.Of(owner).Cluster, component), annotations);

    /// <summary>Metadata of a child with the given labels (which must include the contract's), copied: the models are mutable.</summary>
    public static V1ObjectMeta For(SecretCluster owner, string name, IDictionary<string, string> labels, IDictionary<string, string>? annotations = null) =>
        new()
        {
            Name = name,
            NamespaceProperty = ChildNames.Of(owner).Namespace,
            Labels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal),
            Annotations = annotations is null ? null : new SortedDictionary<string, string>(annotations, StringComparer.Ordinal),
            OwnerReferences = [OwnerReferences.ControllerOf(owner)],
        };
}
