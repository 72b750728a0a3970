using SecretFleet.Core.Epochs;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Epochs;

/// <summary>
/// What one background run of a <see cref="FleetSupervisor"/> should do, decided by a reconcile from the
/// world it read: finish an open operation, make sure every ready node holds shares (formation, recovery),
/// then reshare if the spec asks for another shape, or else refresh if one is due and allowed.
/// </summary>
/// <param name="Cluster">The SecretCluster as the reconcile read it.</param>
/// <param name="Fleet">The ready members (ordinal below the applied replicas, pod Ready, pod IP known), at the applied threshold.</param>
/// <param name="Everyone">Every ready node the operator runs: the members, and new nodes or nodes leaving in a resharing.</param>
/// <param name="PodUids">Ordinal → uid of the pod behind each node of <paramref name="Everyone"/>.</param>
/// <param name="Resume">status.refresh records an open operation.</param>
/// <param name="AllowFormation">The fleet never formed (status.epoch unset): fresh nodes may form it.</param>
/// <param name="Refresh">The schedule's verdict.</param>
/// <param name="RefreshAllowed">Every node is Ready, current and counted: a refresh may start.</param>
internal sealed record FleetJob(
    SecretCluster Cluster,
    FleetView Fleet,
    FleetView Everyone,
    IReadOnlyDictionary<int, string> PodUids,
    bool Resume,
    bool AllowFormation,
    RefreshPlan Refresh,
    bool RefreshAllowed)
{
    /// <summary>The resharing to run once every member holds its shares, instead of a refresh; null for none.</summary>
    public ResharingJob? Resharing { get; init; }
}

/// <summary>A resharing as the reconcile asks for it: the fleet's secrets dealt to <paramref name="Committee"/> with <paramref name="Threshold"/>.</summary>
/// <param name="Committee">The new committee: ordinals 0..n'-1, each Ready.</param>
/// <param name="Threshold">The new threshold t'.</param>
internal sealed record ResharingJob(IReadOnlyList<FleetMember> Committee, int Threshold);

/// <summary>Which part of a supervisor's work failed last.</summary>
internal enum FleetFailureArea
{
    Connect,
    Resume,
    Membership,
    Recovery,
    Refresh,
    Resharing,
}

/// <summary>The last failure of a supervisor's work, for conditions and backoff.</summary>
internal sealed record FleetFailure(FleetFailureArea Area, string Message, DateTimeOffset At);

/// <summary>What a supervisor knows and does, as of now.</summary>
/// <param name="Busy">A job runs.</param>
/// <param name="Activity">What the running job does (for conditions), null when idle.</param>
/// <param name="Refreshing">The running job is resuming or running a refresh.</param>
/// <param name="Members">Ordinal → pod uid of the nodes confirmed to hold shares; null until the first survey.</param>
/// <param name="Failure">The last job's failure, cleared by a job that succeeds.</param>
/// <param name="RetryNotBefore">No job starts before this (backoff after a failure).</param>
/// <param name="HandledRequest">The refresh-requested-at value a committed refresh already honoured.</param>
/// <param name="LastRefresh">The last refresh this operator ran, if any.</param>
internal sealed record SupervisorSnapshot(
    bool Busy,
    string? Activity,
    bool Refreshing,
    IReadOnlyDictionary<int, string>? Members,
    FleetFailure? Failure,
    DateTimeOffset? RetryNotBefore,
    string? HandledRequest,
    OperationOutcome? LastRefresh)
{
    public static SupervisorSnapshot Initial { get; } = new(false, null, false, null, null, null, null, null);

    /// <summary>True when the pod with this uid at this ordinal is known to hold its shares.</summary>
    public bool IsMember(int ordinal, string? podUid) =>
        Members is not null && podUid is not null && Members.TryGetValue(ordinal, out var uid) && uid == podUid;
}
