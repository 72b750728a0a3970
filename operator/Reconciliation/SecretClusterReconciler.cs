using k8s.Models;
using Microsoft.Extensions.Logging;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// Level-based reconcile of one SecretCluster: it gets only the key, re-reads the world and runs every concern
/// in order — deletion, finalizer, shape (scale/threshold policy), certificates, workload, pod replacement,
/// fleet operations, status — each idempotent. Long fleet operations run in the cluster's supervisor.
/// </summary>
internal sealed partial class SecretClusterReconciler
{
    private readonly IKubeApi _api;
    private readonly ReconcilerSettings _settings;
    private readonly FleetSupervisors _supervisors;
    private readonly IEventRecorder _events;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CertificateReconciler _certificates;
    private readonly NodeKeyReconciler _keys;
    private readonly WorkloadReconciler _workload;
    private readonly LegacyLayoutMigrator _migrator;
    private readonly PodRoller _roller;
    private readonly EpochReconciler _epochs;
    private readonly StatusWriter _status;
    private readonly DeletionReconciler _deletion;

    public SecretClusterReconciler(
        IKubeApi api, ReconcilerSettings settings, FleetSupervisors supervisors, IEventRecorder events, OperatorMetrics metrics, TimeProvider time, ILogger log, Func<int, byte[]>? newKey = null)
    {
        _api = api;
        _settings = settings;
        _supervisors = supervisors;
        _events = events;
        _metrics = metrics;
        _time = time;
        _log = log;
        _certificates = new CertificateReconciler(api, time);
        _keys = new NodeKeyReconciler(api, newKey ?? NodeKeySecretSpec.NewKey);
        _workload = new WorkloadReconciler(api, settings.NetworkPeers, _keys);
        _migrator = new LegacyLayoutMigrator(api, _keys);
        _roller = new PodRoller(api);
        _epochs = new EpochReconciler(supervisors, time);
        _status = new StatusWriter(api);
        _deletion = new DeletionReconciler(api, supervisors, events, settings.PollInterval);
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var clusterKey = ClusterKey.Parse(key);
        try
        {
            return await ReconcileAsync(clusterKey, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (!cancellationToken.IsCancellationRequested)
        {
            return ReconcileResult.Failure(e.IsConflict ? $"{e.Message} (someone else changed it; retrying)" : e.Message);
        }
    }

    private async Task<ReconcileResult> ReconcileAsync(ClusterKey key, CancellationToken cancellationToken)
    {
        var cluster = await _api.GetAsync<SecretCluster>(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
        if (cluster is null)
        {
            await _supervisors.RemoveAsync(key).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        if (cluster.Metadata.DeletionTimestamp is not null)
        {
            return await _deletion.ReconcileAsync(cluster, cancellationToken).ConfigureAwait(false);
        }

        if (!cluster.HasFinalizer(LabelsAndAnnotations.CleanupFinalizer))
        {
            cluster = await Finalizers.AddAsync(_api, cluster, cancellationToken).ConfigureAwait(false);
        }

        var state = await ClusterState.ReadAsync(_api, cluster, cancellationToken).ConfigureAwait(false);
        var running = _supervisors.Snapshot(key).Busy || cluster.Status?.Refresh?.Id is not null;
        var shape = ScalePolicy.Decide(cluster, state.Applied, running);
        var image = _settings.NodeImages.Decide(cluster, NodeImagePolicy.AppliedImageOf(state.Service));
        var issued = await _certificates.ReconcileAsync(state, shape.Nodes, cancellationToken).ConfigureAwait(false);
        var applied = WorkloadReport.None;
        var migration = MigrationReport.None;
        var roll = RollReport.None;
        if (issued.FleetReady)
        {
            // Nothing of the workload before the fleet's certificates exist; each pod also waits for its own.
            var nodeKeys = await _keys.ReadAsync(state.Names, cancellationToken).ConfigureAwait(false);
            applied = await _workload.ReconcileAsync(state, shape, image.Image, issued, nodeKeys, cancellationToken).ConfigureAwait(false);
            migration = await _migrator.ReconcileAsync(state, nodeKeys.Legacy is not null, issued, shape.Replicas, running, cancellationToken).ConfigureAwait(false);
            roll = await _roller.RollAsync(state, shape.Replicas, o => WorkloadReconciler.DesiredHashes(cluster, image.Image, o, shape.Threshold), running, _supervisors.Snapshot(key), cancellationToken).ConfigureAwait(false);
        }

        var epochReport = _epochs.Reconcile(state, issued.FleetReady, shape, roll);
        var snapshot = _supervisors.Snapshot(key);
        var now = _time.GetUtcNow();
        var desired = StatusBuilder.Build(new StatusInputs(state, shape, issued, applied, migration, roll, epochReport, snapshot, now) { NodeImage = image });
        if (await _status.WriteAsync(cluster, desired, cancellationToken).ConfigureAwait(false))
        {
            LogStatus(_log, key.ToString(), desired.Phase, desired.ReadyReplicas);
        }

        await TransitionEventsAsync(cluster, state, desired, shape, roll, migration, issued.FleetReady, cancellationToken).ConfigureAwait(false);
        if (applied.DeletedData.Count > 0)
        {
            await EventAsync(cluster, EventSeverity.Warning, EventReasons.DataDeleted, "Scale",
                $"deletionPolicy Delete: deleted {string.Join(", ", applied.DeletedData)} of nodes that left the fleet (a resharing erased their shares when it committed).", cancellationToken).ConfigureAwait(false);
        }

        return Next(epochReport, snapshot, issued.NextRenewal, now);
    }

    private async Task TransitionEventsAsync(
        SecretCluster cluster, ClusterState state, SecretClusterStatus desired, FleetShape shape, RollReport roll, MigrationReport migration, bool workloadApplied, CancellationToken cancellationToken)
    {
        var before = cluster.Status?.Conditions;
        var after = desired.Conditions;
        if (Condition.Find(before, Conditions.CertificatesReady)?.IsTrue != true && Condition.Find(after, Conditions.CertificatesReady)?.IsTrue == true)
        {
            await EventAsync(cluster, EventSeverity.Normal, EventReasons.CertificatesIssued, "Reconcile",
                Condition.Find(after, Conditions.CertificatesReady)!.Message, cancellationToken).ConfigureAwait(false);
        }

        if (shape.Refused && Condition.Find(before, Conditions.Progressing)?.Reason != shape.RefusalReason)
        {
            var reason = shape.RefusalReason == Conditions.Reasons.ScaleBelowThresholdRefused ? EventReasons.ScaleRefused : EventReasons.SpecRefused;
            await EventAsync(cluster, EventSeverity.Warning, reason, "Reconcile", shape.RefusalMessage!, cancellationToken).ConfigureAwait(false);
        }

        if (Condition.Find(after, Conditions.NodeImageAllowed) is { Reason: Conditions.Reasons.ImageNotAllowed } refused
            && Condition.Find(before, Conditions.NodeImageAllowed)?.Message != refused.Message)
        {
            await EventAsync(cluster, EventSeverity.Warning, EventReasons.ImageNotAllowed, "Reconcile", refused.Message, cancellationToken).ConfigureAwait(false);
        }

        var progressing = Condition.Find(after, Conditions.Progressing);
        if (progressing?.Reason == Conditions.Reasons.NodeKeyMissing && Condition.Find(before, Conditions.Progressing)?.Reason != Conditions.Reasons.NodeKeyMissing)
        {
            await EventAsync(cluster, EventSeverity.Warning, EventReasons.NodeKeyMissing, "Reconcile", progressing.Message, cancellationToken).ConfigureAwait(false);
        }

        if (migration.Note is { } note)
        {
            await EventAsync(cluster, EventSeverity.Normal, EventReasons.IdentitiesMigrated, "Migrate", note, cancellationToken).ConfigureAwait(false);
        }

        if (workloadApplied && state.Applied is { Replicas: var from } && from != shape.Replicas)
        {
            await EventAsync(cluster, EventSeverity.Normal, EventReasons.Scaled, "Scale",
                $"Scaled from {from} to {shape.Replicas} nodes{(shape.Replicas > from ? "; new nodes count as ready once their shares are rebuilt" : "")}.", cancellationToken).ConfigureAwait(false);
        }

        if (roll.Replaced is { } pod)
        {
            await EventAsync(cluster, EventSeverity.Normal, EventReasons.PodReplaced, "Update",
                $"Deleted {pod} so that it restarts with the current pod template ({roll.Stale.Count} stale).", cancellationToken).ConfigureAwait(false);
        }
    }

    private Task EventAsync(SecretCluster cluster, EventSeverity severity, string reason, string action, string note, CancellationToken cancellationToken)
    {
        _metrics.Event(severity.ToString());
        return _events.RecordAsync(cluster, severity, reason, action, note, cancellationToken);
    }

    /// <summary>When to look again without a watch event: the next scheduled refresh, the end of a failure's backoff, or a certificate to renew.</summary>
    private ReconcileResult Next(EpochReport report, SupervisorSnapshot snapshot, DateTimeOffset? renewal, DateTimeOffset now)
    {
        TimeSpan? after = null;
        foreach (var at in new[] { report.Plan.NextRefresh, snapshot.RetryNotBefore, renewal })
        {
            if (at is { } time && time > now)
            {
                var wait = time - now;
                after = after is null || wait < after ? wait : after;
            }
        }

        return after is { } delay ? ReconcileResult.Requeue(delay < _settings.MaxRequeue ? delay : _settings.MaxRequeue) : ReconcileResult.Success();
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "SecretCluster {Cluster}: status {Phase}, {Ready} ready")]
    private static partial void LogStatus(ILogger logger, string cluster, SecretClusterPhase? phase, int? ready);
}
