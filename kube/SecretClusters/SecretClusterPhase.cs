using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>Where a SecretCluster is in its life.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SecretClusterPhase>))]
public enum SecretClusterPhase
{
    Pending,
    Provisioning,
    Ready,
    Refreshing,
    Resharing,
    Degraded,
    Failed,
}
