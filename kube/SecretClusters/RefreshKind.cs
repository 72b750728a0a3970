using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>What an operation in <see cref="RefreshStatus"/> does: re-randomize every share, rebuild one node's shares, or reshare every secret to a new committee and threshold.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefreshKind>))]
public enum RefreshKind
{
    Refresh,
    Recovery,
    Resharing,
}
