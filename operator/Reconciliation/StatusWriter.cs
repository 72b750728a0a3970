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
        var shapeChanged = desired.Replicas != cluster.Status?.Replicas || desired.Threshold != cluster.Status?.Threshold;
        if (JsonNode.DeepEquals(patch, current) && !shapeChanged)
        {
            return false;
        }

        var body = new JsonObject { ["status"] = patch };
        if (shapeChanged)
        {
            // The applied shape says which nodes hold shares, and a committed resharing moves it (StatusOperationLog).
            // It is written only over the very status this reconcile read, so that a reconcile that read the shape
            // before such a commit can never put the old one back; a conflict is retried with a fresh read.
            patch["replicas"] = desired.Replicas;
            patch["threshold"] = desired.Threshold;
            body["metadata"] = new JsonObject { ["resourceVersion"] = cluster.Metadata.ResourceVersion };
        }

        var names = ChildNames.Of(cluster);
        await api.PatchStatusAsync<SecretCluster>(names.Namespace, names.Cluster, KubePatch.Merge(body), cancellationToken).ConfigureAwait(false);
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
