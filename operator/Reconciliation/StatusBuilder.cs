using System.Globalization;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Epochs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// Computes the part of the status the reconcile owns — observedGeneration, phase, readyReplicas,
/// nextRefreshTime, the applied replicas and threshold, and the conditions — from what it observed. Pure; messages
/// never mention the current time, so an unchanged world yields an unchanged status and no write. (epoch,
/// lastRefreshTime, refresh and recoveredOrdinals belong to the operation log, which also moves replicas and
/// threshold when a resharing commits.)
/// </summary>
internal static class StatusBuilder
{
    public static SecretClusterStatus Build(StatusInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var cluster = inputs.State.Cluster;
        var status = cluster.Status;
        var replicas = inputs.Shape.Replicas;
        var threshold = inputs.Shape.Threshold;
        var formed = status?.Epoch is not null;
        var readyPods = inputs.State.ReadyPods(replicas);
        var ready = !formed ? 0
            : inputs.Supervisor.Members is null ? Math.Min(readyPods.Count, status?.ReadyReplicas ?? 0)
            : readyPods.Count(r => inputs.Supervisor.IsMember(r.Ordinal, r.Pod.Metadata.Uid));
        var refreshing = inputs.Supervisor.Refreshing || status?.Refresh?.Id is not null;
        var scheduleError = inputs.Epochs.Plan.ScheduleError;

        var conditions = status?.Conditions;
        void Set(string type, bool value, string reason, string message) =>
            conditions = Condition.Set(conditions, new Condition
            {
                Type = type,
                Status = value ? ConditionStatus.True : ConditionStatus.False,
                Reason = reason,
                Message = message,
                ObservedGeneration = cluster.Metadata.Generation,
            }, inputs.Now);

        var certificates = inputs.Certificates;
        Set(Conditions.CertificatesReady, certificates.Ready, certificates.Ready ? Conditions.Reasons.CertificatesIssued : Conditions.Reasons.CertificatesPending, certificates.Message);

        // A formed fleet whose shared certificates are issued runs on while a new node's certificate is pending.
        var waitingForCertificates = !certificates.FleetReady || (!formed && !certificates.Ready);

        var nodes = $"{ready}/{replicas} nodes are Ready and hold their shares";
        var (readyValue, readyReason, readyMessage) =
            waitingForCertificates ? (false, Conditions.Reasons.CertificatesPending, "The nodes start once their certificates are issued.")
            : !formed ? (false, Conditions.Reasons.Provisioning, $"The fleet has not formed yet: {readyPods.Count}/{replicas} nodes are Ready.")
            : ready == replicas ? (true, Conditions.Reasons.AllNodesReady, $"{nodes} at epoch {status!.Epoch}.")
            : ready < threshold ? (false, Conditions.Reasons.BelowThreshold, $"{nodes}, fewer than the threshold {threshold}: secrets cannot be recovered until more nodes return.")
            : (false, Conditions.Reasons.NodesNotReady, $"{nodes} (threshold {threshold}): every secret stays recoverable.");
        Set(Conditions.Ready, readyValue, readyReason, readyMessage);
        Set(Conditions.Degraded, formed && ready < replicas, formed && ready < replicas ? readyReason : formed ? Conditions.Reasons.AllNodesReady : Conditions.Reasons.Provisioning,
            formed && ready < replicas ? readyMessage : formed ? "No node is missing." : "The fleet has not formed yet.");

        var (progressing, progressReason, progressMessage) = Progress(inputs, formed, readyPods);
        Set(Conditions.Progressing, progressing, progressReason, progressMessage);

        var (refreshValue, refreshReason, refreshMessage) = Refresh(inputs, formed, refreshing);
        Set(Conditions.Refreshing, refreshValue, refreshReason, refreshMessage);

        Set(Conditions.IdentitiesProtected, certificates.Protection.Protected, certificates.Protection.Reason, certificates.Protection.Message);

        var (shared, sharedReason, sharedMessage) = HostSharing.Assess(inputs.State, threshold);
        Set(Conditions.SharedHost, shared, sharedReason, sharedMessage);

        var image = inputs.NodeImage;
        Set(Conditions.NodeImageAllowed, image.Refused is null, image.Refused is null ? Conditions.Reasons.ImageAllowed : Conditions.Reasons.ImageNotAllowed, image.Message);

        var phase = scheduleError is not null ? SecretClusterPhase.Failed
            : waitingForCertificates ? SecretClusterPhase.Pending
            : !formed ? SecretClusterPhase.Provisioning
            : refreshing && Resharing(inputs) ? SecretClusterPhase.Resharing
            : refreshing ? SecretClusterPhase.Refreshing
            : ready < replicas ? SecretClusterPhase.Degraded
            : SecretClusterPhase.Ready;

        return new SecretClusterStatus
        {
            ObservedGeneration = cluster.Metadata.Generation,
            Phase = phase,
            ReadyReplicas = ready,
            Replicas = replicas,
            Threshold = threshold,
            NextRefreshTime = inputs.Epochs.Plan.NextRefresh,
            Conditions = conditions,
        };
    }

    private static (bool, string, string) Progress(StatusInputs inputs, bool formed, IReadOnlyList<(int Ordinal, V1Pod Pod)> readyPods)
    {
        var shape = inputs.Shape;
        var spec = inputs.State.Cluster.Spec;
        var failure = inputs.Supervisor.Failure;
        if (inputs.Epochs.Plan.ScheduleError is { } error)
        {
            return (false, Conditions.Reasons.InvalidSpec, error);
        }

        if (shape.Refused)
        {
            return (false, shape.RefusalReason!, shape.RefusalMessage!);
        }

        if (inputs.Workload.Blocked.Count > 0)
        {
            return (false, Conditions.Reasons.NodeKeyMissing, string.Join(" ", inputs.Workload.Blocked));
        }

        if (inputs.Migration is { Stopped: true, Message: { } stopped })
        {
            return (false, Conditions.Reasons.MigratingIdentities, stopped);
        }

        if (!inputs.Certificates.Ready)
        {
            return (true, Conditions.Reasons.Provisioning, $"Waiting for certificates: {inputs.Certificates.Message}");
        }

        if (failure is { Area: FleetFailureArea.Resharing } && shape.Resharing is { } failed)
        {
            return (false, Conditions.Reasons.ResharingFailed,
                $"{failure.Message} Retrying{RetryText(inputs.Supervisor)}; to stay {shape.Describe()}, set spec.replicas {shape.Replicas} and spec.threshold {shape.Threshold} back instead of {failed}.");
        }

        // A resharing that failed for a spec since set back is nothing to report.
        if (failure is { Area: not (FleetFailureArea.Refresh or FleetFailureArea.Resume or FleetFailureArea.Resharing) })
        {
            return (false, Conditions.Reasons.OperationFailed, $"{failure.Message} Retrying{RetryText(inputs.Supervisor)}.");
        }

        if (!formed)
        {
            return (true, Conditions.Reasons.Provisioning, inputs.Epochs.Waiting ?? "Forming the fleet.");
        }

        if (shape.Resharing is { } target)
        {
            var open = inputs.State.Cluster.Status?.Refresh is { Kind: RefreshKind.Resharing, Id: { } id } ? $"operation {id} is {Phase(inputs.State.Cluster.Status.Refresh)}" : null;
            var what = inputs.Epochs.Waiting ?? open ?? (inputs.Supervisor.Busy ? $"{inputs.Supervisor.Activity}" : "starting");
            return (true, Conditions.Reasons.Resharing, $"Resharing every secret from {shape.Describe()} to {target}: {what}.");
        }

        if (shape.WaitingFor is { } waitingFor)
        {
            return (true, Conditions.Reasons.Scaling, $"Scaling to {spec.Replicas} nodes waits for {waitingFor} to finish.");
        }

        var existing = Enumerable.Range(0, shape.Replicas).Count(o => inputs.State.PodAt(o) is not null);
        var extra = inputs.State.Pods.Count(p => inputs.State.Names.PodOrdinal(p.Metadata.Name ?? "") is { } o && o >= shape.Replicas);
        if (existing < shape.Replicas || extra > 0)
        {
            return (true, Conditions.Reasons.Scaling, $"Scaling to {shape.Replicas} nodes.");
        }

        var recovering = readyPods.Where(r => !inputs.Supervisor.IsMember(r.Ordinal, r.Pod.Metadata.Uid)).Select(r => r.Pod.Metadata.Name).ToList();
        if (inputs.Supervisor.Members is not null && recovering.Count > 0)
        {
            return (true, Conditions.Reasons.RecoveringShares, $"Rebuilding the shares of {string.Join(", ", recovering)} from the other nodes.");
        }

        if (inputs.Migration is { Active: true, Message: { } migrating })
        {
            return (true, Conditions.Reasons.MigratingIdentities, migrating);
        }

        if (inputs.Roll.Stale.Count > 0)
        {
            var wait = inputs.Roll.WaitingForOperation ? " once the running operation finishes" : ", one at a time";
            return (true, Conditions.Reasons.RollingUpdate, $"Replacing {string.Join(", ", inputs.Roll.Stale)} with the current pod template{wait}.");
        }

        return (false, Conditions.Reasons.Reconciled, $"The fleet matches the spec: {shape.Replicas} nodes, threshold {shape.Threshold}.");
    }

    private static (bool, string, string) Refresh(StatusInputs inputs, bool formed, bool refreshing)
    {
        var status = inputs.State.Cluster.Status;
        var plan = inputs.Epochs.Plan;
        var failure = inputs.Supervisor.Failure;
        if (status?.Refresh is { Id: { Length: > 0 } id } open)
        {
            var kind = open.Kind switch
            {
                RefreshKind.Recovery => "share recovery",
                RefreshKind.Resharing => $"resharing from {inputs.Shape.Describe()} to {open.NewThreshold}-of-{open.Receivers?.Count}, epoch {open.FromEpoch} to {open.TargetEpoch}",
                _ => $"refresh from epoch {open.FromEpoch} to {open.TargetEpoch}",
            };
            return (true, Conditions.Reasons.RefreshInProgress, $"Operation {id} ({kind}) is {Phase(open)}." + (inputs.Epochs.Waiting is { } w ? " " + w : ""));
        }

        if (refreshing)
        {
            return (true, Conditions.Reasons.RefreshInProgress, Resharing(inputs) ? "A resharing is starting." : "A refresh is starting.");
        }

        if (failure is { Area: FleetFailureArea.Refresh or FleetFailureArea.Resume })
        {
            return (false, Conditions.Reasons.RefreshAborted, $"{failure.Message} Retrying{RetryText(inputs.Supervisor)}.");
        }

        if (plan.Due && inputs.Epochs.Waiting is { } waiting)
        {
            return (false, Conditions.Reasons.RefreshWaitingForNodes, waiting);
        }

        if (!formed)
        {
            return (false, Conditions.Reasons.Idle, "Shares are refreshed on schedule once the fleet forms.");
        }

        var next = plan.NextRefresh is { } at ? $"; the next refresh is due at {Time(at)}" : "";
        return status?.LastRefreshTime is { } last
            ? (false, Conditions.Reasons.RefreshCompleted, $"Epoch {status.Epoch} since {Time(last)}{next}.")
            : (false, Conditions.Reasons.Idle, $"No refresh has run yet{next}.");
    }

    /// <summary>True when the operation that runs (or is open) is a resharing.</summary>
    private static bool Resharing(StatusInputs inputs) =>
        inputs.State.Cluster.Status?.Refresh is { Id: not null } open ? open.Kind == RefreshKind.Resharing : inputs.Shape.Resharing is not null;

    private static string Phase(RefreshStatus open) => open.Phase?.ToString().ToLowerInvariant() ?? "starting";

    private static string RetryText(SupervisorSnapshot supervisor) =>
        supervisor.RetryNotBefore is { } at ? $" after {Time(at)}" : "";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
