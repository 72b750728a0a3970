using System.ComponentModel;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>core/v1 ResourceRequirements, limits and requests only.</summary>
public sealed record ResourceRequirements
{
    [Description("Maximum compute resources, e.g. cpu: 500m, memory: 256Mi.")]
    public IReadOnlyDictionary<string, Quantity>? Limits { get; init; }

    [Description("Compute resources the scheduler reserves.")]
    public IReadOnlyDictionary<string, Quantity>? Requests { get; init; }
}
