using System.Text.Json.Nodes;

namespace SecretFleet.Kube.Models;

/// <summary>apps/v1 StatefulSet (what fleets made before per-node identities ran on): the spec is raw, the status is typed.</summary>
public sealed record StatefulSet : IKubeObject<StatefulSet>
{
    public static KubeResource Resource => KubeResources.StatefulSets;

    public string? ApiVersion { get; init; } = "apps/v1";

    public string? Kind { get; init; } = "StatefulSet";

    public ObjectMeta Metadata { get; init; } = new();

    public JsonObject? Spec { get; init; }

    public StatefulSetStatus? Status { get; init; }
}

public sealed record StatefulSetStatus
{
    public long? ObservedGeneration { get; init; }

    public int Replicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? CurrentReplicas { get; init; }

    public int? UpdatedReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public string? CurrentRevision { get; init; }

    public string? UpdateRevision { get; init; }

    public int? CollisionCount { get; init; }
}
