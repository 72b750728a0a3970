using System.Text.Json;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// Writes the reconcile's part of the status through /status, and only when it differs from what the
/// server has. A merge patch of just these fields leaves the operation log's fields (epoch, refresh, …) alone.
/// </summary>
internal sealed class StatusWriter(IKubeApi api)
{
    /// <summary>Returns true when a write was needed (and done).</summary>
    public async Task<bool> WriteAsync(SecretCluster cluster, SecretClusterStatus desired, CancellationToken cancellationToken)
    {
        var patch = Owned(desired);
        var current = Owned(cluster.Status ?? new SecretClusterStatus());
        if (JsonNode.DeepEquals(patch, current))
        {
            return false;
        }

        var names = ChildNames.Of(cluster);
        await api.PatchStatusAsync<SecretCluster>(names.Namespace, names.Cluster, KubePatch.Merge(new JsonObject { ["status"] = patch }), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The owned fields as JSON, with explicit nulls so that a merge patch removes what is no longer set.</summary>
    internal static JsonObject Owned(SecretClusterStatus status) => new()
    {
        ["observedGeneration"] = status.ObservedGeneration,
        ["phase"] = status.Phase?.ToString(),
        ["readyReplicas"] = status.ReadyReplicas,
        ["nextRefreshTime"] = status.NextRefreshTime is { } next ? JsonSerializer.SerializeToNode(next, KubeJson.Options) : null,
        ["conditions"] = status.Conditions is { } conditions ? JsonSerializer.SerializeToNode(conditions, KubeJson.Options) : null,
    };
}
