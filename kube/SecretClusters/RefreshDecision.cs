using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>The coordinator's recorded two-phase-commit decision.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefreshDecision>))]
public enum RefreshDecision
{
    Commit,
    Abort,
}
