using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>The sealing-key Secrets of a cluster as read: one per node, and the shared one of an older fleet.</summary>
/// <param name="ByOrdinal">Ordinal → Secret <c>NAME-node-i-key</c>.</param>
/// <param name="Legacy">Secret <c>NAME-node-keys</c> of a fleet from before per-node Secrets, while it exists.</param>
internal sealed record NodeKeys(IReadOnlyDictionary<int, V1Secret> ByOrdinal, V1Secret? Legacy);

/// <summary>
/// Node i's sealing-key Secret. A key is never rewritten and never made up for a node that may already hold
/// shares: an existing Secret is kept (and adopted after a re-created SecretCluster); a missing one takes node i's
/// key from an older fleet's shared Secret if it has one; a fresh key is made only for a node without a volume.
/// </summary>
internal sealed class NodeKeyReconciler(IKubeApi api, Func<int, byte[]> newKey)
{
    public async Task<NodeKeys> ReadAsync(ChildNames names, CancellationToken cancellationToken)
    {
        // The node-component selector takes the key Secrets and leaves out the TLS Secrets (component certificates).
        var secrets = await api.ListAsync<V1Secret>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.NodePodSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        var byOrdinal = new Dictionary<int, V1Secret>();
        foreach (var secret in secrets.Items)
        {
            if (secret.Metadata.DeletionTimestamp is null && names.NodeKeySecretOrdinal(secret.Metadata.Name ?? "") is { } ordinal)
            {
                byOrdinal[ordinal] = secret;
            }
        }

        var legacy = await api.GetAsync<V1Secret>(names.Namespace, names.LegacyNodeKeysSecret, cancellationToken).ConfigureAwait(false);
        return new NodeKeys(byOrdinal, legacy?.GetLabel(LabelsAndAnnotations.Cluster) == names.Cluster ? legacy : null);
    }

    /// <summary>Makes sure node <paramref name="ordinal"/> has its key Secret; null when it has, else why not.</summary>
    /// <param name="cluster">The node's SecretCluster.</param>
    /// <param name="keys">The key Secrets as read.</param>
    /// <param name="ordinal">The node.</param>
    /// <param name="claimExists">The node's PVC exists: it may hold shares sealed under a key, so no new key is made.</param>
    /// <param name="cancellationToken">Cancels the API calls.</param>
    public async Task<string?> EnsureAsync(SecretCluster cluster, NodeKeys keys, int ordinal, bool claimExists, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        if (keys.ByOrdinal.TryGetValue(ordinal, out var existing))
        {
            if (NodeKeySecretSpec.KeyOf(existing) is null)
            {
                return $"Secret {names.NodeKeySecret(ordinal)} holds no {NodeKeySecretSpec.KeyBytes}-byte {ChildNames.NodeKeyFile}; the operator does not rewrite a node's key. Restore the key, or delete the Secret and PVC {names.DataClaim(ordinal)} to give {names.Pod(ordinal)} a fresh start (share recovery rebuilds its shares).";
            }

            await AdoptAsync(cluster, existing, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (NodeKeySecretSpec.LegacyKeyOf(keys.Legacy, ordinal) is { } legacyKey)
        {
            await api.CreateAsync(NodeKeySecretSpec.Build(cluster, ordinal, legacyKey), cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (claimExists)
        {
            return $"PVC {names.DataClaim(ordinal)} exists but Secret {names.NodeKeySecret(ordinal)} with its sealing key does not, so {names.Pod(ordinal)} is not started: a new key could not open shares sealed under the old one. Restore the Secret, or delete the PVC to give the node a fresh start (share recovery rebuilds its shares).";
        }

        var key = newKey(ordinal);
        try
        {
            await api.CreateAsync(NodeKeySecretSpec.Build(cluster, ordinal, key), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return null;
    }

    /// <summary>
    /// Gives every key of an older fleet's shared Secret its node's own Secret. Verified when each of them was
    /// already there, read back byte for byte (only then may the shared Secret go); Problem says what disagrees.
    /// </summary>
    public async Task<(string? Problem, bool Verified)> CopyLegacyAsync(SecretCluster cluster, NodeKeys keys, CancellationToken cancellationToken)
    {
        var copied = false;
        var names = ChildNames.Of(cluster);
        foreach (var file in keys.Legacy?.Data?.Keys ?? [])
        {
            if (ChildNames.LegacyKeyFileOrdinal(file) is not { } ordinal || NodeKeySecretSpec.LegacyKeyOf(keys.Legacy, ordinal) is not { } legacyKey)
            {
                return ($"Secret {names.LegacyNodeKeysSecret} holds {file}, which is not a node key; it is kept until that is sorted out.", false);
            }

            if (keys.ByOrdinal.TryGetValue(ordinal, out var existing))
            {
                if (NodeKeySecretSpec.KeyOf(existing) is not { } key || !CryptographicOperations.FixedTimeEquals(key, legacyKey))
                {
                    return ($"Secret {names.NodeKeySecret(ordinal)} differs from {file} in {names.LegacyNodeKeysSecret}; both are kept until that is sorted out.", false);
                }

                continue;
            }

            await api.CreateAsync(NodeKeySecretSpec.Build(cluster, ordinal, legacyKey), cancellationToken).ConfigureAwait(false);
            copied = true;
        }

        return (null, !copied);
    }

    /// <summary>
    /// Puts this SecretCluster's controller reference on a key Secret kept by deletionPolicy Retain (it has none, or
    /// an earlier SecretCluster's). The patch names the resourceVersion it was computed from.
    /// </summary>
    private async Task AdoptAsync(SecretCluster cluster, V1Secret existing, CancellationToken cancellationToken)
    {
        if (existing.Metadata.OwnerReferences?.Any(o => o.Uid == cluster.Metadata.Uid) == true)
        {
            return;
        }

        var references = new JsonArray();
        foreach (var reference in existing.Metadata.OwnerReferences ?? [])
        {
            if (reference.Kind != SecretCluster.KindName)
            {
                references.Add(JsonSerializer.SerializeToNode(reference, KubeJson.Options));
            }
        }

        references.Add(JsonSerializer.SerializeToNode(OwnerReferences.ControllerOf(cluster), KubeJson.Options));
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = existing.Metadata.ResourceVersion, ["ownerReferences"] = references },
        };
        await api.PatchAsync<V1Secret>(existing.Metadata.NamespaceProperty, existing.Metadata.Name!, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
    }
}
