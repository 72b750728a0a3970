using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>What an operation in <see cref="RefreshStatus"/> does: re-randomize every share, or rebuild one node's shares.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefreshKind>))]
public enum RefreshKind
{
    Refresh,
    Recovery,
}
