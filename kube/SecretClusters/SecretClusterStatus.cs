using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Schema;

namespace SecretFleet.Kube.SecretClusters;

public sealed record SecretClusterStatus
{
    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; init; }

    [Description("Pending, Provisioning, Ready, Refreshing, Resharing, Degraded or Failed.")]
    public SecretClusterPhase? Phase { get; init; }

    [Description("Nodes that are ready and hold current shares.")]
    public int? ReadyReplicas { get; init; }

    [Description("The nodes the operator runs as the fleet (n): ordinals 0 to replicas-1 hold the shares. It differs from spec.replicas while a change waits, runs or was refused.")]
    [Range(1, 255)]
    public int? Replicas { get; init; }

    [Description("The threshold the fleet's shares are dealt with (t). On a formed fleet it changes only when a resharing commits.")]
    [Range(1, 255)]
    public int? Threshold { get; init; }

    [Description("Current share epoch; every committed refresh or resharing adds one.")]
    public long? Epoch { get; init; }

    [Description("When the last refresh committed.")]
    public DateTimeOffset? LastRefreshTime { get; init; }

    [Description("When the next scheduled refresh is due.")]
    public DateTimeOffset? NextRefreshTime { get; init; }

    [Description("The operation in progress (refresh, recovery or resharing), with the coordinator's two-phase-commit decision once made; a restarted operator resumes from it.")]
    public RefreshStatus? Refresh { get; init; }

    [Description("Ordinals whose shares were rebuilt by share recovery (scale-up, lost volume).")]
    [MaxLength(255)]
    public IReadOnlyList<int>? RecoveredOrdinals { get; init; }

    [Description("Ready, CertificatesReady, Progressing, Degraded, Refreshing.")]
    [ListMapKeys("type")]
    [MaxLength(16)]
    public IReadOnlyList<Condition>? Conditions { get; init; }
}
