using SecretFleet.Core.Epochs;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

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

        // Before the fleet holds shares its threshold may simply change; afterwards every share polynomial has degree
        // threshold-1, and only a resharing deals the secrets anew with another one.
        var threshold = formed ? live.Threshold ?? spec.Threshold : spec.Threshold;
        if (cluster.Status?.Refresh is { Kind: RefreshKind.Resharing, Receivers: { } receivers, NewThreshold: { } newThreshold })
        {
            // An open resharing keeps every node it deals to or from until its decision reached them, whatever the spec says now.
            return new FleetShape(liveReplicas, threshold, null, null, null) { Resharing = new ResharingTarget(receivers.Count, newThreshold) };
        }

        if (spec.Replicas < spec.Threshold)
        {
            // The CRD's CEL rule refuses this; an API server without CEL lets it through.
            return new FleetShape(liveReplicas, threshold, Conditions.Reasons.ScaleBelowThresholdRefused,
                $"spec.replicas {spec.Replicas} is below spec.threshold {spec.Threshold}: fewer nodes than the threshold could never give a secret back. Set spec.replicas to at least spec.threshold.",
                null);
        }

        if (formed && (spec.Threshold != threshold || spec.Replicas < liveReplicas))
        {
            return Reshape(liveReplicas, threshold, new ResharingTarget(spec.Replicas, spec.Threshold));
        }

        if (spec.Replicas != liveReplicas && operationRunning)
        {
            var open = cluster.Status?.Refresh?.Id;
            return new FleetShape(liveReplicas, threshold, null, null,
                open is null ? "the running fleet operation" : $"operation {open}");
        }

        return new FleetShape(spec.Replicas, threshold, null, null, null);
    }

    /// <summary>A threshold change or a scale-down of a formed fleet: a resharing to <paramref name="target"/>, unless the shapes forbid it.</summary>
    private static FleetShape Reshape(int replicas, int threshold, ResharingTarget target)
    {
        if (ResharingShape.Refusal(replicas, threshold, target.Replicas, target.Threshold) is { } why)
        {
            var grown = 2 * threshold - 1;
            return new FleetShape(replicas, threshold, Conditions.Reasons.ResharingRefused,
                $"The fleet stays {threshold}-of-{replicas} instead of becoming {target}: {why} To get there, set spec.replicas to {grown} with spec.threshold {threshold}, wait until the SecretCluster is Ready with {grown} nodes, then set spec.replicas {target.Replicas} and spec.threshold {target.Threshold}.",
                null);
        }

        return new FleetShape(replicas, threshold, null, null, null) { Resharing = target };
    }
}
