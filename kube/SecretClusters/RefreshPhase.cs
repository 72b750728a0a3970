using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>The step of a running refresh (two-phase commit).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefreshPhase>))]
public enum RefreshPhase
{
    Dealing,
    Deciding,
    Committing,
    Aborting,
}
