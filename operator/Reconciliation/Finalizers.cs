using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// Adds and removes the <c>secretfleet.io/cleanup</c> finalizer with merge patches that name the
/// resourceVersion they were computed from: a concurrent change to the list fails (409) instead of being lost.
/// </summary>
internal static class Finalizers
{
    public static Task<SecretCluster> AddAsync(IKubeApi api, SecretCluster cluster, CancellationToken cancellationToken) =>
        PatchAsync(api, cluster, [.. cluster.Metadata.Finalizers ?? [], LabelsAndAnnotations.CleanupFinalizer], cancellationToken);

    public static Task<SecretCluster> RemoveAsync(IKubeApi api, SecretCluster cluster, CancellationToken cancellationToken) =>
        PatchAsync(api, cluster, [.. (cluster.Metadata.Finalizers ?? []).Where(f => f != LabelsAndAnnotations.CleanupFinalizer)], cancellationToken);

    private static Task<SecretCluster> PatchAsync(IKubeApi api, SecretCluster cluster, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = cluster.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]),
            },
        };
        return api.PatchAsync<SecretCluster>(cluster.Metadata.NamespaceProperty, cluster.Metadata.Name!, KubePatch.Merge(patch), cancellationToken);
    }
}
