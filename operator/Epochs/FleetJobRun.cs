using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Epochs;

/// <summary>One job of a <see cref="FleetSupervisor"/>: resume, membership, recoveries, refresh, in that order.</summary>
internal sealed partial class FleetJobRun(FleetJob job, FleetSupervisorContext context, FleetSupervisor supervisor)
{
    private readonly ChildNames _names = ChildNames.Of(job.Cluster);
    private FleetFailureArea _areaInProgress = FleetFailureArea.Resume;

    /// <summary>Null when everything asked for was done; otherwise what failed (already reported as an Event).</summary>
    public async Task<FleetFailure?> ExecuteAsync(CancellationToken cancellationToken)
    {
        IFleetCoordinator coordinator;
        try
        {
            coordinator = await context.Coordinators.ConnectAsync(job.Cluster, job.Fleet, cancellationToken).ConfigureAwait(false);
        }
        catch (FleetUnavailableException e)
        {
            return Failure(FleetFailureArea.Connect, e.Message);
        }

        using (coordinator)
        {
            try
            {
                return await StepsAsync(coordinator, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationRefusedException e)
            {
                context.Metrics.Operation(_areaInProgress == FleetFailureArea.Refresh ? "refresh" : "recovery", "refused", null);

                // The same refusal again (retried with backoff) is not worth another Event.
                if (supervisor.Snapshot.Failure?.Message != e.Message)
                {
                    await EventAsync(EventSeverity.Warning, EventReasons.OperationRefused, _areaInProgress.ToString(), e.Message, cancellationToken).ConfigureAwait(false);
                }

                return Failure(_areaInProgress, e.Message);
            }
            catch (KubeApiException e) when (!cancellationToken.IsCancellationRequested)
            {
                return Failure(_areaInProgress, $"A Kubernetes API call failed: {e.Message}");
            }
        }
    }

    private async Task<FleetFailure?> StepsAsync(IFleetCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (job.Resume)
        {
            _areaInProgress = FleetFailureArea.Resume;
            supervisor.SetActivity("finishing the open operation recorded in status.refresh", refreshing: true);
            var resumed = await coordinator.ResumeAsync(job.Fleet, cancellationToken).ConfigureAwait(false);
            if (resumed is not null)
            {
                await ReportAsync(resumed, resumed: true, cancellationToken).ConfigureAwait(false);
                if (!resumed.AllAcknowledged)
                {
                    return Failure(FleetFailureArea.Resume, $"Operation {resumed.OperationId} waits for every node to acknowledge its {Decision(resumed)}.");
                }
            }
        }

        _areaInProgress = FleetFailureArea.Membership;
        supervisor.SetActivity("checking which nodes hold their shares");
        var nonMembers = await coordinator.EnsureMembershipAsync(job.Fleet, job.AllowFormation, cancellationToken).ConfigureAwait(false);
        var members = job.Fleet.Members.Where(m => !nonMembers.Contains(m.X)).ToDictionary(m => m.Ordinal, m => job.PodUids[m.Ordinal]);
        supervisor.SetMembers(members);
        if (job.Cluster.Status?.Epoch is null && members.Count > 0)
        {
            await RecordEpochAsync(coordinator, members.Count, cancellationToken).ConfigureAwait(false);
        }

        _areaInProgress = FleetFailureArea.Recovery;
        foreach (var x in nonMembers.Order())
        {
            var pod = _names.Pod(NodeIndex.OrdinalOf(x));
            supervisor.SetActivity($"rebuilding the shares of {pod}");
            var outcome = await coordinator.RecoverAsync(job.Fleet, x, cancellationToken).ConfigureAwait(false);
            await ReportAsync(outcome, resumed: false, cancellationToken).ConfigureAwait(false);
            if (!outcome.Committed)
            {
                return Failure(FleetFailureArea.Recovery, $"Rebuilding the shares of {pod} aborted: {outcome.Reason}");
            }

            members[NodeIndex.OrdinalOf(x)] = job.PodUids[NodeIndex.OrdinalOf(x)];
            supervisor.SetMembers(new Dictionary<int, string>(members));
        }

        if (!job.Refresh.Due || !job.RefreshAllowed)
        {
            return null;
        }

        _areaInProgress = FleetFailureArea.Refresh;
        supervisor.SetActivity("refreshing every share into a new epoch", refreshing: true);
        var trigger = job.Refresh.Trigger == RefreshTrigger.Requested
            ? $"requested at {job.Refresh.RequestedAt}"
            : $"scheduled ({Schedule()})";
        var from = job.Cluster.Status?.Epoch;
        await EventAsync(EventSeverity.Normal, EventReasons.EpochStarted, "Refresh",
            $"Refresh of epoch {from} on {job.Fleet.Members.Count} nodes started, {trigger}.", cancellationToken).ConfigureAwait(false);
        var refresh = await coordinator.RefreshAsync(job.Fleet, cancellationToken).ConfigureAwait(false);
        await ReportAsync(refresh, resumed: false, cancellationToken).ConfigureAwait(false);
        supervisor.RefreshFinished(refresh, refresh.Committed && job.Refresh.Trigger == RefreshTrigger.Requested ? job.Refresh.RequestedAt : null);
        return refresh.Committed
            ? null
            : Failure(FleetFailureArea.Refresh, $"Refresh {refresh.OperationId} aborted: {refresh.Reason}{Culprits(refresh)}");
    }

    /// <summary>Sets status.epoch the first time the fleet is seen formed (or adopted from retained volumes).</summary>
    private async Task RecordEpochAsync(IFleetCoordinator coordinator, int members, CancellationToken cancellationToken)
    {
        var epoch = await coordinator.CommonEpochAsync(job.Fleet, cancellationToken).ConfigureAwait(false);
        if (epoch is null)
        {
            return;
        }

        var patch = new JsonObject { ["status"] = new JsonObject { ["epoch"] = (long)epoch.Value } };
        await context.Api.PatchStatusAsync<SecretCluster>(_names.Namespace, _names.Cluster, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
        var note = job.AllowFormation
            ? $"The fleet formed: {members} nodes hold shares at epoch {epoch}."
            : $"The fleet was adopted: {members} nodes already hold shares at epoch {epoch}.";
        await EventAsync(EventSeverity.Normal, EventReasons.FleetFormed, "Form", note, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReportAsync(OperationOutcome outcome, bool resumed, CancellationToken cancellationToken)
    {
        var kind = outcome.Kind.Name();
        context.Metrics.Operation(kind, outcome.Committed ? "committed" : "aborted", resumed ? null : outcome.Duration);
        var seconds = outcome.Duration.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture);
        string reason;
        string note;
        var severity = EventSeverity.Normal;
        if (resumed)
        {
            reason = EventReasons.EpochResumed;
            note = $"Operation {outcome.OperationId} left open by an earlier operator was finished with its recorded decision: {Decision(outcome)}"
                + (outcome.AllAcknowledged ? "." : "; some nodes have not acknowledged it yet.");
        }
        else if (outcome.Kind == Core.Protos.OperationKind.Recovery)
        {
            reason = outcome.Committed ? EventReasons.SharesRecovered : EventReasons.RecoveryFailed;
            severity = outcome.Committed ? EventSeverity.Normal : EventSeverity.Warning;
            note = outcome.Committed
                ? $"Rebuilt the shares of {outcome.Pairs} secret blocks on a node from the others at epoch {outcome.Epoch} in {seconds} s ({outcome.OperationId})."
                : $"Share recovery {outcome.OperationId} aborted: {outcome.Reason}{Culprits(outcome)}";
        }
        else
        {
            reason = outcome.Committed ? EventReasons.EpochCompleted : EventReasons.EpochFailed;
            severity = outcome.Committed ? EventSeverity.Normal : EventSeverity.Warning;
            note = outcome.Committed
                ? $"Epoch {outcome.Epoch} committed on every node: {outcome.Pairs} shares re-randomized in {seconds} s ({outcome.OperationId})."
                : $"Refresh {outcome.OperationId} aborted, shares stay at epoch {outcome.Epoch}: {outcome.Reason}{Culprits(outcome)}";
        }

        await EventAsync(severity, reason, outcome.Kind == Core.Protos.OperationKind.Recovery ? "Recover" : "Refresh", note, cancellationToken).ConfigureAwait(false);
    }

    private string Culprits(OperationOutcome outcome) =>
        outcome.Culprits.Count == 0
            ? ""
            : $" (culprit nodes: {string.Join(", ", outcome.Culprits.Order().Select(x => $"{_names.Pod(NodeIndex.OrdinalOf(x))} x={x}"))})";

    private static string Decision(OperationOutcome outcome) => outcome.Decision.ToString().ToLowerInvariant();

    private string Schedule() => job.Cluster.Spec.Refresh.Schedule is { } cron ? $"schedule {cron}" : $"every {job.Cluster.Spec.Refresh.Interval}";

    private async Task EventAsync(EventSeverity severity, string reason, string action, string note, CancellationToken cancellationToken)
    {
        context.Metrics.Event(severity.ToString());
        await context.Events.RecordAsync(job.Cluster, severity, reason, action, note, cancellationToken).ConfigureAwait(false);
    }

    private FleetFailure Failure(FleetFailureArea area, string message)
    {
        LogFailure(context.Log, _names.FleetId, area, message);
        return new FleetFailure(area, message, context.Time.GetUtcNow());
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Fleet {Fleet}: {Area} failed: {Message}")]
    private static partial void LogFailure(ILogger logger, string fleet, FleetFailureArea area, string message);
}
