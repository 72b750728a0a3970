using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Epochs;

/// <summary>One job of a <see cref="FleetSupervisor"/>: resume, membership, recoveries, then a resharing or a refresh, in that order.</summary>
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
            coordinator = await context.Coordinators.ConnectAsync(job.Cluster, job.Everyone, cancellationToken).ConfigureAwait(false);
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
                context.Metrics.Operation(KindOf(_areaInProgress).Name(), "refused", null);

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
        if (await PlannedForAnotherShapeAsync(cancellationToken).ConfigureAwait(false))
        {
            // A reconcile that read the SecretCluster before the last resharing committed planned this job for the old
            // shape (it would take a node that just left for one that lost its shares). It does nothing; the reconcile
            // its end triggers plans afresh.
            return null;
        }

        if (job.Resume)
        {
            _areaInProgress = FleetFailureArea.Resume;
            supervisor.SetActivity("finishing the open operation recorded in status.refresh", refreshing: true);
            // A resharing's decision also goes to the nodes it dealt to and the nodes it removes.
            var resumed = await coordinator.ResumeAsync(job.Everyone, cancellationToken).ConfigureAwait(false);
            if (resumed is not null)
            {
                await ReportAsync(resumed, resumed: true, cancellationToken).ConfigureAwait(false);
                if (!resumed.AllAcknowledged)
                {
                    return Failure(FleetFailureArea.Resume, $"Operation {resumed.OperationId} waits for every node to acknowledge its {Decision(resumed)}.");
                }

                if (resumed.Kind == OperationKind.Resharing)
                {
                    // The fleet's shape may have changed with it: the next reconcile plans from what status now says.
                    return null;
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

        if (job.Resharing is { } resharing)
        {
            return await ReshareAsync(coordinator, resharing, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Reshares the members' secrets to the new committee. On commit the operation log has moved status to the new shape
    /// (and epoch) in one write, and the new committee holds the shares; on abort the old shape stays and the failure
    /// backs off like any other.
    /// </summary>
    private async Task<FleetFailure?> ReshareAsync(IFleetCoordinator coordinator, ResharingJob resharing, CancellationToken cancellationToken)
    {
        _areaInProgress = FleetFailureArea.Resharing;
        var change = $"{job.Fleet.Threshold}-of-{job.Fleet.Members.Count} → {resharing.Threshold}-of-{resharing.Committee.Count}";
        supervisor.SetActivity($"resharing every secret {change}", refreshing: true);
        await EventAsync(EventSeverity.Normal, EventReasons.ReshareStarted, "Reshare",
            $"Resharing {change} of epoch {job.Cluster.Status?.Epoch} started: {Pods(resharing.Committee)} will hold the shares.", cancellationToken).ConfigureAwait(false);
        var outcome = await coordinator.ReshareAsync(job.Fleet, resharing.Committee, resharing.Threshold, cancellationToken).ConfigureAwait(false);
        await ReportAsync(outcome, resumed: false, cancellationToken, change).ConfigureAwait(false);
        if (!outcome.Committed)
        {
            return Failure(FleetFailureArea.Resharing, $"Resharing {change} ({outcome.OperationId}) aborted, so the fleet stays {job.Fleet.Threshold}-of-{job.Fleet.Members.Count}: {outcome.Reason}{Culprits(outcome)}");
        }

        supervisor.SetMembers(resharing.Committee.ToDictionary(m => m.Ordinal, m => job.PodUids[m.Ordinal]));
        return null;
    }

    /// <summary>True when status.replicas or status.threshold moved since the reconcile that planned this job read them.</summary>
    private async Task<bool> PlannedForAnotherShapeAsync(CancellationToken cancellationToken)
    {
        var now = await context.Api.GetAsync<SecretCluster>(_names.Namespace, _names.Cluster, cancellationToken).ConfigureAwait(false);
        var planned = job.Cluster.Status;
        return now is not null && (now.Status?.Replicas != planned?.Replicas || now.Status?.Threshold != planned?.Threshold);
    }

    private string Pods(IEnumerable<FleetMember> members) => string.Join(", ", members.Select(m => _names.Pod(m.Ordinal)));

    private static OperationKind KindOf(FleetFailureArea area) => area switch
    {
        FleetFailureArea.Refresh => OperationKind.Refresh,
        FleetFailureArea.Resharing => OperationKind.Resharing,
        _ => OperationKind.Recovery,
    };

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

    /// <param name="outcome">How the operation ended.</param>
    /// <param name="resumed">It was left open by an earlier operator and finished with its recorded decision.</param>
    /// <param name="cancellationToken">Cancels the Event.</param>
    /// <param name="change">For a resharing this job ran: "t-of-n → t'-of-n'".</param>
    private async Task ReportAsync(OperationOutcome outcome, bool resumed, CancellationToken cancellationToken, string? change = null)
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
        else if (outcome.Kind == OperationKind.Resharing)
        {
            reason = outcome.Committed ? EventReasons.Reshared : EventReasons.ReshareFailed;
            severity = outcome.Committed ? EventSeverity.Normal : EventSeverity.Warning;
            note = outcome.Committed
                ? $"Reshared {change} at epoch {outcome.Epoch} in {seconds} s: {outcome.Pairs} secrets dealt anew and every old share erased ({outcome.OperationId})."
                : $"Resharing {change} ({outcome.OperationId}) aborted; the shares stay as they were at epoch {outcome.Epoch}: {outcome.Reason}{Culprits(outcome)}";
        }
        else if (outcome.Kind == OperationKind.Recovery)
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

        var action = outcome.Kind switch
        {
            OperationKind.Recovery => "Recover",
            OperationKind.Resharing => "Reshare",
            _ => "Refresh",
        };
        await EventAsync(severity, reason, action, note, cancellationToken).ConfigureAwait(false);
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
