using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Epochs;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>
/// A coordinator that pretends: nodes listed in <see cref="NonMembers"/> lack shares, recoveries, refreshes and
/// resharings commit unless told otherwise, and every call is recorded. <see cref="Gate"/> holds refreshes and
/// resharings until released. With a <see cref="Log"/>, a resharing records itself there as the real one does.
/// </summary>
internal sealed class FakeCoordinator : IFleetCoordinator, IFleetCoordinatorFactory
{
    private readonly Lock _sync = new();
    private readonly List<string> _calls = [];

    public HashSet<byte> NonMembers { get; } = [];

    public ulong Epoch { get; set; }

    public OperationDecision RefreshDecision { get; set; } = OperationDecision.Commit;

    public IReadOnlyList<byte> Culprits { get; set; } = [];

    public OperationDecision ReshareDecision { get; set; } = OperationDecision.Commit;

    /// <summary>Where a resharing records itself (open, decided, completed), as the real coordinator does.</summary>
    public IOperationLog? Log { get; set; }

    public Exception? RefuseWith { get; set; }

    public Exception? ConnectFailure { get; set; }

    public OperationOutcome? Resumed { get; set; }

    /// <summary>When set, refreshes wait for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_sync)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<FleetView> Views { get; private set; } = [];

    public Task<IFleetCoordinator> ConnectAsync(SecretCluster cluster, FleetView fleet, CancellationToken cancellationToken)
    {
        Add($"connect {fleet.Members.Count}");
        Views = [.. Views, fleet];
        return ConnectFailure is { } failure ? Task.FromException<IFleetCoordinator>(failure) : Task.FromResult<IFleetCoordinator>(this);
    }

    public Task<OperationOutcome?> ResumeAsync(FleetView fleet, CancellationToken cancellationToken)
    {
        Add("resume");
        return Task.FromResult(Resumed);
    }

    public Task<IReadOnlyList<byte>> EnsureMembershipAsync(FleetView fleet, bool allowFormation, CancellationToken cancellationToken)
    {
        Add($"membership formation={allowFormation}");
        if (RefuseWith is { } refusal)
        {
            throw refusal;
        }

        return Task.FromResult<IReadOnlyList<byte>>([.. fleet.Members.Select(m => m.X).Where(NonMembers.Contains).Order()]);
    }

    public Task<OperationOutcome> RecoverAsync(FleetView fleet, byte targetX, CancellationToken cancellationToken)
    {
        Add($"recover {targetX}");
        NonMembers.Remove(targetX);
        return Task.FromResult(new OperationOutcome($"recovery-{targetX}", OperationKind.Recovery, OperationDecision.Commit, Epoch, "", "", [], 10, TimeSpan.FromSeconds(1), true));
    }

    public async Task<OperationOutcome> RefreshAsync(FleetView fleet, CancellationToken cancellationToken)
    {
        Add("refresh");
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var committed = RefreshDecision == OperationDecision.Commit;
        if (committed)
        {
            Epoch++;
        }

        return new OperationOutcome("refresh-1", OperationKind.Refresh, RefreshDecision, Epoch, committed ? "" : "node x 2 sent a bad dealing", committed ? "" : "dealer", Culprits, 100, TimeSpan.FromSeconds(2), true);
    }

    public async Task<OperationOutcome> ReshareAsync(FleetView fleet, IReadOnlyList<FleetMember> newCommittee, int newThreshold, CancellationToken cancellationToken)
    {
        Add($"reshare {fleet.Threshold}-of-{fleet.Members.Count} to {newThreshold}-of-{string.Join(",", newCommittee.Select(m => m.X))}");
        var record = new OperationLogRecord("resharing-1", OperationKind.Resharing, Epoch, Epoch + 1, [.. fleet.Members.Select(m => m.X)], 0, OperationDecision.None, "", "",
            DateTimeOffset.UnixEpoch, Completed: false, [.. newCommittee.Select(m => m.X)], newThreshold);
        if (Log is { } log)
        {
            await log.SaveAsync(record, cancellationToken);
        }

        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var committed = ReshareDecision == OperationDecision.Commit;
        record = record with { Decision = ReshareDecision, Reason = committed ? "" : "node x 2 sent a bad dealing", ReasonCode = committed ? "" : "dealer" };
        if (Log is { } decided)
        {
            await decided.SaveAsync(record, cancellationToken);
            await decided.SaveAsync(record with { Completed = true }, cancellationToken);
        }

        if (committed)
        {
            Epoch++;
        }

        return new OperationOutcome(record.Id, OperationKind.Resharing, ReshareDecision, Epoch, record.Reason, record.ReasonCode, committed ? [] : Culprits, 100, TimeSpan.FromSeconds(3), true);
    }

    public Task<ulong?> CommonEpochAsync(FleetView fleet, CancellationToken cancellationToken)
    {
        Add("epoch");
        return Task.FromResult<ulong?>(Epoch);
    }

    public void Dispose()
    {
    }

    private void Add(string call)
    {
        lock (_sync)
        {
            _calls.Add(call);
        }
    }
}
