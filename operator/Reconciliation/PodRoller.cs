using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>How the pods compare with the StatefulSet's template.</summary>
/// <param name="Stale">Pods still running an older template.</param>
/// <param name="Replaced">The pod deleted by this reconcile, if any.</param>
/// <param name="WaitingForOperation">Stale pods wait because an operation runs.</param>
internal sealed record RollReport(IReadOnlyList<string> Stale, string? Replaced, bool WaitingForOperation)
{
    public static RollReport None { get; } = new([], null, false);
}

/// <summary>
/// Replaces pods whose template is stale, one at a time and only while no operation runs: the StatefulSet
/// uses OnDelete, so a pod restarts only when the operator deletes it, never in the middle of an epoch.
/// </summary>
internal sealed class PodRoller(IKubeApi api)
{
    public async Task<RollReport> RollAsync(ClusterState state, StatefulSet statefulSet, int replicas, bool operationRunning, CancellationToken cancellationToken)
    {
        var hash = StatefulSetSpec.TemplateHashOf(statefulSet);
        if (hash is null)
        {
            return RollReport.None;
        }

        var stale = new List<Pod>();
        var allReady = true;
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            var pod = state.PodAt(ordinal);
            allReady &= pod?.IsReady == true;
            if (pod is not null && pod.Metadata.Label(LabelsAndAnnotations.TemplateHash) != hash)
            {
                stale.Add(pod);
            }
        }

        var names = stale.Select(p => p.Metadata.Name!).ToList();
        if (stale.Count == 0)
        {
            return RollReport.None;
        }

        if (operationRunning)
        {
            return new RollReport(names, null, true);
        }

        // One at a time: while any node is down (or the last one replaced is not back), wait.
        if (!allReady)
        {
            return new RollReport(names, null, false);
        }

        var victim = stale[0];
        await api.DeleteAsync(KubeResources.Pods, victim.Metadata.Namespace, victim.Metadata.Name!, new DeleteOptions { PreconditionUid = victim.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        return new RollReport(names, victim.Metadata.Name, false);
    }
}
