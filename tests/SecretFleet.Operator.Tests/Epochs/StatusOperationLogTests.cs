using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Epochs;

[Trait("Category", "Unit")]
public sealed class StatusOperationLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _time = new(Now);
    private readonly FakeKubeApi _api;
    private readonly StatusOperationLog _log;

    public StatusOperationLogTests()
    {
        _api = new FakeKubeApi(_time);
        _api.Seed(TestClusters.Demo() with { Status = new SecretClusterStatus { Epoch = 4, RecoveredOrdinals = [1] } });
        _log = new StatusOperationLog(_api, "vault", "demo", _time, NullLogger.Instance);
    }

    private static OperationLogRecord Refresh => new("refresh-0a", OperationKind.Refresh, 4, 5, [1, 2, 3], 0, OperationDecision.None, "", "", Now.AddMinutes(-1), Completed: false);

    [Fact]
    public async Task An_open_record_is_written_to_status_refresh_and_reads_back_the_same()
    {
        await _log.SaveAsync(Refresh, CancellationToken.None);

        var refresh = Status().Refresh!;
        Assert.Equal(("refresh-0a", RefreshKind.Refresh, 4L, 5L, RefreshPhase.Dealing), (refresh.Id, refresh.Kind!.Value, refresh.FromEpoch!.Value, refresh.TargetEpoch!.Value, refresh.Phase!.Value));
        Assert.Null(refresh.Decision);
        Assert.Equal([0, 1, 2], refresh.Participants);
        var loaded = await _log.LoadAsync(CancellationToken.None);
        Assert.Equal(Refresh with { Participants = [] }, loaded! with { Participants = [] });
        Assert.Equal(Refresh.Participants, loaded.Participants);
    }

    [Fact]
    public async Task The_decision_is_recorded_before_completion()
    {
        await _log.SaveAsync(Refresh, CancellationToken.None);

        await _log.SaveAsync(Refresh with { Decision = OperationDecision.Abort, Reason = "node x 2 failed the batch check", ReasonCode = "dealer" }, CancellationToken.None);

        var refresh = Status().Refresh!;
        Assert.Equal((RefreshPhase.Aborting, RefreshDecision.Abort, "dealer"), (refresh.Phase!.Value, refresh.Decision!.Value, refresh.ReasonCode));
        Assert.Equal(4, Status().Epoch);
    }

    [Fact]
    public async Task A_completed_commit_clears_the_record_and_moves_epoch_and_last_refresh_in_one_write()
    {
        await _log.SaveAsync(Refresh with { Decision = OperationDecision.Commit }, CancellationToken.None);
        _api.ClearCalls();

        await _log.SaveAsync(Refresh with { Decision = OperationDecision.Commit, Completed = true }, CancellationToken.None);

        var status = Status();
        Assert.Null(status.Refresh);
        Assert.Equal(5, status.Epoch);
        Assert.Equal(Now, status.LastRefreshTime);
        Assert.Single(_api.Writes);
        Assert.Null(await _log.LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_completed_recovery_adds_its_ordinal_and_keeps_the_epoch()
    {
        var recovery = new OperationLogRecord("recovery-1", OperationKind.Recovery, 4, 4, [1, 2], 4, OperationDecision.Commit, "", "", Now, Completed: false);
        await _log.SaveAsync(recovery, CancellationToken.None);
        Assert.Equal(3, Status().Refresh!.RecoveryOrdinal);

        await _log.SaveAsync(recovery with { Completed = true }, CancellationToken.None);

        Assert.Equal(4, Status().Epoch);
        Assert.Equal([1, 3], Status().RecoveredOrdinals!);
        Assert.Null(Status().LastRefreshTime);
    }

    [Fact]
    public async Task A_conflicting_status_write_is_re_read_and_retried()
    {
        var conflicts = 2;
        _api.FailWhen = c => c.Subresource == "status" && conflicts-- > 0
            ? FakeKubeApi.Error(HttpStatusCode.Conflict, "Conflict", "the object has been modified")
            : null;

        await _log.SaveAsync(Refresh, CancellationToken.None);

        Assert.Equal("refresh-0a", Status().Refresh!.Id);
        Assert.Equal(3, _api.Calls.Count(c => c.Subresource == "status"));
    }

    [Fact]
    public async Task Another_operations_open_record_is_never_replaced()
    {
        await _log.SaveAsync(Refresh with { Decision = OperationDecision.Commit }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _log.SaveAsync(Refresh with { Id = "refresh-0b" }, CancellationToken.None));

        Assert.Contains("records operation refresh-0a", error.Message);
        Assert.Equal(RefreshDecision.Commit, Status().Refresh!.Decision);
    }

    [Fact]
    public async Task A_restarted_coordinator_resends_a_recorded_commit_and_completes_the_epoch()
    {
        await _log.SaveAsync(Refresh with { Decision = OperationDecision.Commit }, CancellationToken.None);
        var nodes = new DecisionRecorder();
        var coordinator = new EpochCoordinator(nodes, _log, _time, NullLogger<EpochCoordinator>.Instance);

        var outcome = await coordinator.ResumeAsync(Fleet(), CancellationToken.None);

        Assert.True(outcome!.Committed);
        Assert.Equal(["commit 1", "commit 2", "commit 3"], nodes.Calls.Order());
        Assert.Equal((5L, (RefreshStatus?)null), (Status().Epoch!.Value, Status().Refresh));
    }

    [Fact]
    public async Task A_restarted_coordinator_aborts_an_undecided_operation()
    {
        await _log.SaveAsync(Refresh, CancellationToken.None);
        var nodes = new DecisionRecorder();
        var coordinator = new EpochCoordinator(nodes, _log, _time, NullLogger<EpochCoordinator>.Instance);

        var outcome = await coordinator.ResumeAsync(Fleet(), CancellationToken.None);

        Assert.Equal(OperationDecision.Abort, outcome!.Decision);
        Assert.Equal(["abort 1", "abort 2", "abort 3"], nodes.Calls.Order());
        Assert.Equal(4, Status().Epoch);
        Assert.Null(Status().Refresh);
    }

    [Fact]
    public async Task An_open_resharing_records_its_new_committee_and_threshold_and_reads_back_the_same()
    {
        await _log.SaveAsync(Resharing, CancellationToken.None);

        var refresh = Status().Refresh!;
        Assert.Equal((RefreshKind.Resharing, 4L, 5L), (refresh.Kind!.Value, refresh.FromEpoch!.Value, refresh.TargetEpoch!.Value));
        Assert.Equal([0, 1, 2, 3, 4], refresh.Participants);
        Assert.Equal([0, 1, 2], refresh.Receivers);
        Assert.Equal(2, refresh.NewThreshold);
        var loaded = (await _log.LoadAsync(CancellationToken.None))!;
        Assert.Equal((OperationKind.Resharing, 2), (loaded.Kind, loaded.NewThreshold));
        Assert.Equal(Resharing.Receivers, loaded.Receivers);
        Assert.Equal(Resharing.Everyone, loaded.Everyone);
    }

    [Fact]
    public async Task A_completed_resharing_moves_epoch_replicas_and_threshold_in_one_write_and_leaves_last_refresh()
    {
        await _log.SaveAsync(Resharing with { Decision = OperationDecision.Commit }, CancellationToken.None);
        _api.ClearCalls();

        await _log.SaveAsync(Resharing with { Decision = OperationDecision.Commit, Completed = true }, CancellationToken.None);

        var status = Status();
        Assert.Null(status.Refresh);
        Assert.Equal((5L, 3, 2), (status.Epoch!.Value, status.Replicas!.Value, status.Threshold!.Value));
        Assert.Null(status.LastRefreshTime);
        Assert.Single(_api.Writes);
    }

    [Fact]
    public async Task An_aborted_resharing_keeps_the_shape()
    {
        await _log.SaveAsync(Resharing with { Decision = OperationDecision.Abort, Completed = true }, CancellationToken.None);

        var status = Status();
        Assert.Equal(4, status.Epoch);
        Assert.Null(status.Replicas);
        Assert.Null(status.Threshold);
    }

    [Fact]
    public void A_record_written_before_resharing_existed_reads_as_before()
    {
        var older = new RefreshStatus { Id = "refresh-0a", Kind = RefreshKind.Refresh, TargetEpoch = 5, Participants = [0, 1, 2] };

        var record = StatusOperationLog.ToRecord(older)!;

        Assert.Equal((OperationKind.Refresh, 4UL, 0), (record.Kind, record.Epoch, record.NewThreshold));
        Assert.Null(record.Receivers);
        Assert.Equal([1, 2, 3], record.Everyone);
    }

    private static OperationLogRecord Resharing => new("resharing-0a", OperationKind.Resharing, 4, 5, [1, 2, 3, 4, 5], 0, OperationDecision.None, "", "", Now, Completed: false, Receivers: [1, 2, 3], NewThreshold: 2);

    private SecretClusterStatus Status() => _api.GetAsync<SecretCluster>("vault", "demo", CancellationToken.None).Result!.Status!;

    private static FleetView Fleet() =>
        new("vault/demo", 2, [.. Enumerable.Range(1, 3).Select(x => new FleetMember((byte)x, new Uri($"https://10.0.0.{x}:7443"), $"demo-{x - 1}.demo-nodes.vault.svc", new FleetIdentity("demo.vault", FleetRole.Node, $"demo-{x - 1}")))]);

    /// <summary>Nodes that only take decisions, and remember them.</summary>
    private sealed class DecisionRecorder : INodeOperations
    {
        private readonly Lock _sync = new();

        public List<string> Calls { get; } = [];

        public Task<CommitResponse> CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken)
        {
            Add($"commit {node.X}");
            return Task.FromResult(new CommitResponse());
        }

        public Task<AbortResponse> AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken)
        {
            Add($"abort {node.X}");
            return Task.FromResult(new AbortResponse());
        }

        public Task<InfoResponse> InfoAsync(FleetMember node, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JoinResponse> JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BeginResponse> BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SnapshotPairsResponse> SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OperationStatusResponse> StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken) => throw new NotSupportedException();

        private void Add(string call)
        {
            lock (_sync)
            {
                Calls.Add(call);
            }
        }
    }
}
