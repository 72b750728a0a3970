using System.Text.Json.Serialization;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.Models;

/// <summary>coordination.k8s.io/v1 Lease, for leader election.</summary>
public sealed record Lease : IKubeObject<Lease>
{
    public static KubeResource Resource => KubeResources.Leases;

    public string? ApiVersion { get; init; } = "coordination.k8s.io/v1";

    public string? Kind { get; init; } = "Lease";

    public ObjectMeta Metadata { get; init; } = new();

    public LeaseSpec Spec { get; init; } = new();
}

public sealed record LeaseSpec
{
    public string? HolderIdentity { get; init; }

    public int? LeaseDurationSeconds { get; init; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; init; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; init; }

    public int? LeaseTransitions { get; init; }
}
