using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>An operation (refresh, recovery or resharing) in flight. The decision is written here before any node is told to commit.</summary>
public sealed record RefreshStatus
{
    [Description("Identifier of this refresh, shared with the nodes.")]
    public string? Id { get; init; }

    [Description("Refresh (every share re-randomized), Recovery (one node's shares rebuilt by the others) or Resharing (every secret dealt anew to the nodes in receivers with newThreshold).")]
    public RefreshKind? Kind { get; init; }

    [Description("The epoch the shares were at when this operation began.")]
    public long? FromEpoch { get; init; }

    [Description("The epoch the shares move to when this refresh commits.")]
    public long? TargetEpoch { get; init; }

    [Description("Dealing, Deciding, Committing or Aborting.")]
    public RefreshPhase? Phase { get; init; }

    [Description("Commit or Abort once the coordinator has decided; empty before.")]
    [JsonConverter(typeof(EmptyStringAsNullEnumConverter<RefreshDecision>))]
    public RefreshDecision? Decision { get; init; }

    [Description("When this refresh began.")]
    public DateTimeOffset? StartedAt { get; init; }

    [Description("Ordinals of the nodes taking part (for a resharing: the old committee, which deals).")]
    [MaxLength(255)]
    public IReadOnlyList<int>? Participants { get; init; }

    [Description("For a recovery: the ordinal whose shares are rebuilt.")]
    [Range(0, 254)]
    public int? RecoveryOrdinal { get; init; }

    [Description("For a resharing: ordinals of the new committee, which holds the shares once it commits.")]
    [MaxLength(255)]
    public IReadOnlyList<int>? Receivers { get; init; }

    [Description("For a resharing: the threshold the new committee's shares are dealt with.")]
    [Range(1, 255)]
    public int? NewThreshold { get; init; }

    [Description("Why the refresh aborted or is waiting, for humans.")]
    public string? Reason { get; init; }

    [Description("Machine-readable code of the abort reason, sent to the nodes with the abort.")]
    [MaxLength(64)]
    public string? ReasonCode { get; init; }
}
