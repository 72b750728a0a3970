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
    private readonly IKubeApi api;
    private readonly ReconcilerSettings settings;
    private readonly FleetSupervisors supervisors;
    private readonly IEventRecorder events;
    private readonly OperatorMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger log;
    private readonly CertificateReconciler certificates;
    private readonly NodeKeyReconciler keys;
    private readonly WorkloadReconciler workload;
    private readonly LegacyLayoutMigrator migrator;
    private readonly PodRoller roller;
    private readonly EpochReconciler epochs;
    private readonly StatusWriter status;
    private readonly DeletionReconciler deletion;

    public SecretClusterReconciler(
        IKubeApi api, ReconcilerSettings settings, FleetSupervisors supervisors, IEventRecorder events, OperatorMetrics metrics, TimeProvider time, ILogger log, Func<int, byte[]>? newKey = null)
    {
        this.api = api;
        this.settings = settings;
        this.supervisors = supervisors;
        this.events = events;
        this.metrics = metrics;
        this.time = time;
        this.log = log;
        certificates = new CertificateReconciler(api);
        keys = new NodeKeyReconciler(api, newKey ?? NodeKeySecretSpec.NewKey);
        workload = new WorkloadReconciler(api, settings.NodeImage, keys);
        migrator = new LegacyLayoutMigrator(api, keys);
        roller = new PodRoller(api);
        epochs = new EpochReconciler(supervisors, time);
        status = new StatusWriter(api);
        deletion = new DeletionReconciler(api, supervisors, events, settings.PollInterval);
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
        var cluster = await api.GetAsync<SecretCluster>(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
        if (cluster is null)
        {
            await supervisors.RemoveAsync(key).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        if (cluster.Metadata.DeletionTimestamp is not null)
        {
            return await deletion.ReconcileAsync(cluster, cancellationToken).ConfigureAwait(false);
        }

        if (!cluster.Metadata.HasFinalizer(LabelsAndAnnotations.CleanupFinalizer))
        {
            cluster = await Finalizers.AddAsync(api, cluster, cancellationToken).ConfigureAwait(false);
        }

        var state = await ClusterState.ReadAsync(api, cluster, cancellationToken).ConfigureAwait(false);
        var running = supervisors.Snapshot(key).Busy || cluster.Status?.Refresh?.Id is not null;
        var shape = ScalePolicy.Decide(cluster, state.Applied, running);
        var issued = await certificates.ReconcileAsync(state, shape.Replicas, cancellationToken).ConfigureAwait(false);
        var applied = WorkloadReport.None;
        var migration = MigrationReport.None;
        var roll = RollReport.None;
        if (issued.FleetReady)
        {
            // Nothing of the workload before the fleet's certificates exist; each pod also waits for its own.
            var nodeKeys = await keys.ReadAsync(state.Names, cancellationToken).ConfigureAwait(false);
            applied = await workload.ReconcileAsync(state, shape, issued, nodeKeys, cancellationToken).ConfigureAwait(false);
            migration = await migrator.ReconcileAsync(state, nodeKeys.Legacy is not null, issued, shape.Replicas, running, cancellationToken).ConfigureAwait(false);
            roll = await roller.RollAsync(state, shape.Replicas, o => workload.DesiredHash(cluster, o, shape.Threshold), running, supervisors.Snapshot(key), cancellationToken).ConfigureAwait(false);
        }

        var epochReport = epochs.Reconcile(state, issued.FleetReady, shape, roll);
        var snapshot = supervisors.Snapshot(key);
        var now = time.GetUtcNow();
        var desired = StatusBuilder.Build(new StatusInputs(state, shape, issued, applied, migration, roll, epochReport, snapshot, now));
        if (await status.WriteAsync(cluster, desired, cancellationToken).ConfigureAwait(false))
        {
            LogStatus(log, key.ToString(), desired.Phase, desired.ReadyReplicas);
        }

        await TransitionEventsAsync(cluster, state, desired, shape, roll, migration, issued.FleetReady, cancellationToken).ConfigureAwait(false);
        return Next(epochReport, snapshot, now);
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
        metrics.Event(severity.ToString());
        return events.RecordAsync(cluster, severity, reason, action, note, cancellationToken);
    }

    /// <summary>When to look again without a watch event: the next scheduled refresh or the end of a failure's backoff.</summary>
    private ReconcileResult Next(EpochReport report, SupervisorSnapshot snapshot, DateTimeOffset now)
    {
        TimeSpan? after = null;
        foreach (var at in new[] { report.Plan.NextRefresh, snapshot.RetryNotBefore })
        {
            if (at is { } time && time > now)
            {
                var wait = time - now;
                after = after is null || wait < after ? wait : after;
            }
        }

        return after is { } delay ? ReconcileResult.Requeue(delay < settings.MaxRequeue ? delay : settings.MaxRequeue) : ReconcileResult.Success();
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "SecretCluster {Cluster}: status {Phase}, {Ready} ready")]
    private static partial void LogStatus(ILogger logger, string cluster, SecretClusterPhase? phase, int? ready);
}
