using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>How strictly node pods of one fleet are kept apart across a topology (hosts or zones).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpreadRule>))]
public enum SpreadRule
{
    /// <summary>No rule: the scheduler may put nodes together.</summary>
    None,

    /// <summary>Apart when the scheduler can manage it, together rather than unscheduled.</summary>
    Preferred,

    /// <summary>Never together: a node that has no free host (or zone) of its own stays Pending.</summary>
    Required,
}
