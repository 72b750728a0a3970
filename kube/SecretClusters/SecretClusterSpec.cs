using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SecretFleet.Kube.Schema;

namespace SecretFleet.Kube.SecretClusters;

[CelValidation("self.threshold <= self.replicas", "threshold must not exceed replicas: a secret needs threshold nodes to come back", FieldPath = ".threshold")]
[CelValidation("self.threshold >= 1", "threshold must be at least 1", FieldPath = ".threshold")]
[CelValidation("self.replicas <= 255", "replicas must be at most 255 (share indexes are one byte)", FieldPath = ".replicas")]
public sealed record SecretClusterSpec
{
    [Description("Number of nodes (n). Node i holds the share at x = i + 1. Scaling a formed fleet down reshares every secret to the remaining nodes; scaling up rebuilds the new nodes' shares.")]
    [Range(1, 255)]
    [DefaultValue(3)]
    public int Replicas { get; init; } = 3;

    [Description("Number of nodes needed to recover a secret (t); fewer reveal nothing. At most replicas. Changing it on a formed fleet reshares every secret; a fleet with fewer than 2t-1 nodes must grow first.")]
    [Range(1, 255)]
    [DefaultValue(2)]
    public int Threshold { get; init; } = 2;

    [Description("When shares are re-randomized into a new epoch: a cron schedule or an interval. Annotating the resource with secretfleet.io/refresh-requested-at asks for a refresh now.")]
    [SchemaDefault("{\"interval\":\"24h\"}")]
    public RefreshSpec Refresh { get; init; } = new() { Interval = "24h" };

    [Description("Node container image; the operator's matching node image when omitted.")]
    [MinLength(1)]
    public string? Image { get; init; }

    [Description("Persistent volume of each node (its share database).")]
    [SchemaDefault("{}")]
    public StorageSpec Storage { get; init; } = new();

    [Description("How node pods are kept apart: by default no two nodes of the fleet run on one host.")]
    [SchemaDefault("{}")]
    public SpreadSpec Spread { get; init; } = new();

    [Description("Compute resources of each node container.")]
    public ResourceRequirements? Resources { get; init; }

    [Description("A cert-manager issuer that signs the fleet's certificates. When omitted the operator creates a self-signed CA for this cluster.")]
    public IssuerRef? IssuerRef { get; init; }

    [Description("Client identities besides the built-in 'default', one certificate Secret each (CLUSTER-client-NAME-tls): give each user or workload its own, and let Kubernetes RBAC decide who may read which Secret. Secrets stored by a client belong to it. `kubectl secrets client create NAME` adds one.")]
    [ListMapKeys("name")]
    [MaxLength(256)]
    public IReadOnlyList<ClientSpec>? Clients { get; init; }

    [Description("What happens to shares and volumes when the SecretCluster is deleted: Retain keeps them, Delete zeroizes the nodes and removes the volumes.")]
    [DefaultValue(DeletionPolicy.Retain)]
    public DeletionPolicy DeletionPolicy { get; init; } = DeletionPolicy.Retain;

    [Description("SPIFFE trust domain of the fleet's identities (spiffe://<trustDomain>/<role>/<name>). When omitted, <name>.<namespace>: a domain of its own for every fleet, so fleets that share an issuer never accept each other's nodes, operator or clients.")]
    [RegularExpression("^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")]
    [MaxLength(253)]
    public string? TrustDomain { get; init; }
}
