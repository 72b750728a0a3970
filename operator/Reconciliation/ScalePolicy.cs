using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// The replicas and threshold the operator applies, which may differ from the spec: a refused change keeps
/// the live values (and says why), and a replica change waits while an operation runs.
/// </summary>
/// <param name="Replicas">The replicas to apply.</param>
/// <param name="Threshold">The threshold to apply (the fleet's, once it holds shares).</param>
/// <param name="RefusalReason">A <see cref="Conditions.Reasons"/> value when the spec is refused.</param>
/// <param name="RefusalMessage">What is refused and what to do, for the condition and the Event.</param>
/// <param name="WaitingFor">Set when a replica change waits for a running operation.</param>
internal sealed record FleetShape(int Replicas, int Threshold, string? RefusalReason, string? RefusalMessage, string? WaitingFor)
{
    public bool Refused => RefusalReason is not null;
}

/// <summary>Pure decisions about the fleet's size and threshold.</summary>
internal static class ScalePolicy
{
    /// <param name="cluster">The SecretCluster (spec and status).</param>
    /// <param name="live">The shape the operator applied last, if it applied one (<see cref="ClusterState.Applied"/>).</param>
    /// <param name="operationRunning">An operation is open in status or running: nodes must not come or go now.</param>
    public static FleetShape Decide(SecretCluster cluster, AppliedShape? live, bool operationRunning)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var spec = cluster.Spec;
        if (live is null)
        {
            return new FleetShape(spec.Replicas, spec.Threshold, null, null, null);
        }

        var liveReplicas = live.Replicas;
        var formed = cluster.Status?.Epoch is not null;

        // Before the fleet holds shares its threshold may still change; afterwards every share polynomial has
        // degree threshold-1 and the threshold is part of what the secrets are.
        var threshold = formed ? live.Threshold ?? spec.Threshold : spec.Threshold;
        if (spec.Replicas < threshold)
        {
            return new FleetShape(liveReplicas, threshold, Conditions.Reasons.ScaleBelowThresholdRefused,
                $"spec.replicas {spec.Replicas} is below the threshold {threshold} this fleet's shares were dealt with: fewer nodes could never give a secret back. Set spec.replicas to at least {threshold} (and spec.threshold back to {threshold}).",
                null);
        }

        if (spec.Threshold != threshold)
        {
            return new FleetShape(liveReplicas, threshold, Conditions.Reasons.InvalidSpec,
                $"spec.threshold {spec.Threshold} differs from {threshold}, the threshold this fleet's shares were dealt with; it cannot change once the fleet holds secrets. Set spec.threshold back to {threshold}, or create a new SecretCluster and store the secrets there.",
                null);
        }

        if (spec.Replicas != liveReplicas && operationRunning)
        {
            var open = cluster.Status?.Refresh?.Id;
            return new FleetShape(liveReplicas, threshold, null, null,
                open is null ? "the running fleet operation" : $"operation {open}");
        }

        return new FleetShape(spec.Replicas, threshold, null, null, null);
    }
}
