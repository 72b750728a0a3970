using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>Labels, owner references and metadata every child of a SecretCluster carries.</summary>
internal static class ChildMetadata
{
    /// <summary>The labels of the contract: name, instance, managed-by, component and the cluster label.</summary>
    public static IReadOnlyDictionary<string, string> Labels(string cluster, string component) =>
        new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [LabelsAndAnnotations.Name] = LabelsAndAnnotations.AppName,
            [LabelsAndAnnotations.Instance] = cluster,
            [LabelsAndAnnotations.ManagedBy] = LabelsAndAnnotations.ManagedByOperator,
            [LabelsAndAnnotations.Component] = component,
            [LabelsAndAnnotations.Cluster] = cluster,
        };

    /// <summary>The contract's labels plus the node's ordinal, for what belongs to one node (pod, Certificate, key Secret, PVC).</summary>
    public static IReadOnlyDictionary<string, string> NodeLabels(string cluster, string component, int ordinal) =>
        new SortedDictionary<string, string>((IDictionary<string, string>)Labels(cluster, component), StringComparer.Ordinal)
        {
            [LabelsAndAnnotations.Ordinal] = ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <summary>The node pods' selector (the Service's and the PodDisruptionBudget's); pods of older fleets match it too.</summary>
    public static IReadOnlyDictionary<string, string> NodeSelector(string cluster) =>
        new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [LabelsAndAnnotations.Name] = LabelsAndAnnotations.AppName,
            [LabelsAndAnnotations.Instance] = cluster,
            [LabelsAndAnnotations.Component] = LabelsAndAnnotations.Components.Node,
        };

    /// <summary>Selects every child of one cluster (pods, certificates, their Secrets, PVCs).</summary>
    public static string ClusterSelector(string cluster) => $"{LabelsAndAnnotations.Cluster}={cluster}";

    /// <summary>Selects the node pods of one cluster.</summary>
    public static string NodePodSelector(string cluster) =>
        $"{LabelsAndAnnotations.Cluster}={cluster},{LabelsAndAnnotations.Component}={LabelsAndAnnotations.Components.Node}";

    /// <summary>Metadata of a child: name, namespace, the contract's labels and the controller reference.</summary>
    public static ObjectMeta For(SecretCluster owner, string name, string component, IReadOnlyDictionary<string, string>? annotations = null) =>
        For(owner, name, Labels(ChildNames.Of(owner).Cluster, component), annotations);

    /// <summary>Metadata of a child with the given labels (which must include the contract's).</summary>
    public static ObjectMeta For(SecretCluster owner, string name, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var names = ChildNames.Of(owner);
        return new ObjectMeta
        {
            Name = name,
            Namespace = names.Namespace,
            Labels = labels,
            Annotations = annotations,
            OwnerReferences = [OwnerReference.ControllerOf(owner)],
        };
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            json[key] = value;
        }

        return json;
    }
}
