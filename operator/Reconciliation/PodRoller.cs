using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Operator.Epochs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>The template hashes of a node pod as the operator would build it now.</summary>
/// <param name="Current">The template hash a pod built now carries.</param>
/// <param name="Legacy">The hash an older operator gave the same pod (see NodePodSpec.LegacyTemplateHash).</param>
internal sealed record PodTemplateHashes(string Current, string Legacy);

/// <summary>How the pods compare with what the operator would build now.</summary>
/// <param name="Stale">Pods built from an older spec (or by an older layout).</param>
/// <param name="Replaced">The pod deleted by this reconcile, if any.</param>
/// <param name="WaitingForOperation">Stale pods wait because an operation runs.</param>
internal sealed record RollReport(IReadOnlyList<string> Stale, string? Replaced, bool WaitingForOperation)
{
    public static RollReport None { get; } = new([], null, false);
}

/// <summary>
/// Replaces pods whose build is stale, one at a time and only while no operation runs: pods restart only when the
/// operator deletes them (the workload step then makes them anew), never in the middle of an epoch. The next
/// one goes only when every node is Ready and, once the fleet is surveyed, known to hold its shares again.
/// Pods of an older fleet (shared certificate and keys) are stale too, which is how a fleet moves to per-node
/// identities; not while its StatefulSet still exists, though, since that would bring them back as they were.
/// A pod an older operator built from the same spec (its template hash in the older form) is relabelled, not
/// replaced: an upgrade that only changed how the hash is taken restarts nothing.
/// </summary>
internal sealed class PodRoller(IKubeApi api)
{
    public async Task<RollReport> RollAsync(ClusterState state, int replicas, Func<int, PodTemplateHashes> desiredHashes, bool operationRunning, SupervisorSnapshot supervisor, CancellationToken cancellationToken)
    {
        var stale = new List<V1Pod>();
        var settled = true;
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            var pod = state.PodAt(ordinal);
            settled &= pod?.IsReady() == true && (supervisor.Members is null || supervisor.IsMember(ordinal, pod.Metadata.Uid));
            var hash = pod?.GetLabel(LabelsAndAnnotations.TemplateHash);
            if (pod is null)
            {
                continue;
            }

            var desired = desiredHashes(ordinal);
            if (hash == desired.Current)
            {
                continue;
            }

            if (hash == desired.Legacy)
            {
                // Built from the same spec by an older operator: only the label's form changed, so no restart.
                await RelabelAsync(pod, desired.Current, cancellationToken).ConfigureAwait(false);
                continue;
            }

            stale.Add(pod);
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

        // One at a time: while any node is down, or the last one replaced does not hold its shares yet, wait.
        if (!settled || state.LegacyStatefulSet is not null)
        {
            return new RollReport(names, null, false);
        }

        var victim = stale[0];
        await api.DeleteAsync(KubeResources.Pods, victim.Metadata.NamespaceProperty, victim.Metadata.Name!, new DeleteOptions { PreconditionUid = victim.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        return new RollReport(names, victim.Metadata.Name, false);
    }

    private Task<V1Pod> RelabelAsync(V1Pod pod, string hash, CancellationToken cancellationToken)
    {
        // The uid makes the API server refuse the patch if the pod was replaced meanwhile.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["uid"] = pod.Metadata.Uid, ["labels"] = new JsonObject { [LabelsAndAnnotations.TemplateHash] = hash } },
        };
        return api.PatchAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name!, KubePatch.Merge(patch), cancellationToken);
    }
}
