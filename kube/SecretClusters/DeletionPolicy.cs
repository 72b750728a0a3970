using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>What deleting a SecretCluster does to shares and volumes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeletionPolicy>))]
public enum DeletionPolicy
{
    Retain,
    Delete,
}
