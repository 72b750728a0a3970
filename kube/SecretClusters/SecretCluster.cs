using System.ComponentModel;
using k8s;
using k8s.Models;
using SecretFleet.Kube.Schema;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>A fleet of Shamir share-holding nodes that an operator certifies, runs and refreshes.</summary>
[CustomResource("secretfleet.io", "v1alpha1", "SecretCluster", "secretclusters",
    Singular = "secretcluster", ShortNames = ["sc"], Categories = ["secretfleet"])]
[Description("A SecretCluster is a fleet of Shamir secret-sharing nodes: any threshold of its replicas give a secret back, fewer reveal nothing, and the shares are re-randomized into a new epoch on a schedule.")]
[PrinterColumn(0, "Replicas", "integer", ".spec.replicas", Description = "Number of nodes (n).")]
[PrinterColumn(1, "Ready", "integer", ".status.readyReplicas", Description = "Nodes that are ready and hold current shares.")]
[PrinterColumn(2, "Threshold", "integer", ".spec.threshold", Description = "Nodes needed to recover a secret (t).")]
[PrinterColumn(3, "Epoch", "integer", ".status.epoch", Description = "Current share epoch.")]
[PrinterColumn(4, "Last Refresh", "date", ".status.lastRefreshTime", Description = "When the shares were last re-randomized.")]
[PrinterColumn(5, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup, ApiVersion = "v1alpha1", Kind = KindName, PluralName = "secretclusters")]
public sealed record SecretCluster : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiGroup = "secretfleet.io";

    public const string ApiGroupVersion = "secretfleet.io/v1alpha1";

    public const string KindName = "SecretCluster";

    public string ApiVersion { get; set; } = ApiGroupVersion;

    public string Kind { get; set; } = KindName;

    public V1ObjectMeta Metadata { get; set; } = new();

    [Description("Desired state of the fleet.")]
    [SchemaDefault("{}")]
    public SecretClusterSpec Spec { get; init; } = new();

    [Description("Observed state, written by the operator.")]
    public SecretClusterStatus? Status { get; init; }
}
