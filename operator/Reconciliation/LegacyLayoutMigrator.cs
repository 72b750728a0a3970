using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Where a fleet from before per-node identities stands in its move to them.</summary>
/// <param name="Active">The fleet still has parts of the older layout.</param>
/// <param name="Message">What the move waits for or did, for the Progressing condition.</param>
/// <param name="Note">Set when this reconcile took a step worth an Event.</param>
/// <param name="Stopped">The move cannot go on by itself (keys disagree); someone must look.</param>
internal sealed record MigrationReport(bool Active, string? Message, string? Note, bool Stopped = false)
{
    public static MigrationReport None { get; } = new(false, null, null);
}

/// <summary>
/// Moves a fleet made by an operator before per-node identities (StatefulSet <c>NAME</c>, one Certificate
/// <c>NAME-node</c>, one Secret <c>NAME-node-keys</c> with every node's key) to one Certificate and one key Secret
/// per node, keeping every PVC and every node's sealing key:
/// <list type="number">
/// <item>only while no operation is open or running: every key of <c>NAME-node-keys</c> is copied into its node's
/// Secret and checked byte for byte; then the StatefulSet's PVC retention is set to Retain and it is deleted with
/// propagation Orphan, so that neither its pods nor its PVCs go with it;</item>
/// <item><see cref="PodRoller"/> replaces the old pods one at a time between epochs, and the workload step makes each
/// anew with its own Secrets over the same PVC;</item>
/// <item>once no pod mounts the shared Secrets any more, the Certificate <c>NAME-node</c>, its Secret and
/// <c>NAME-node-keys</c> are deleted — the latter only after every key in it is found in its node's Secret.</item>
/// </list>
/// </summary>
internal sealed class LegacyLayoutMigrator(IKubeApi api, NodeKeyReconciler keys)
{
    /// <param name="state">The cluster as this reconcile read it.</param>
    /// <param name="legacyKeysExist">The shared Secret <c>NAME-node-keys</c> was there when this reconcile read the keys.</param>
    /// <param name="certificates">Which node certificates are issued: the StatefulSet goes only once every node's is.</param>
    /// <param name="replicas">The nodes the fleet runs.</param>
    /// <param name="operationRunning">An operation is open or running: nothing moves now.</param>
    /// <param name="cancellationToken">Cancels the API calls.</param>
    public async Task<MigrationReport> ReconcileAsync(ClusterState state, bool legacyKeysExist, CertificateReport certificates, int replicas, bool operationRunning, CancellationToken cancellationToken)
    {
        var names = state.Names;
        var cluster = state.Cluster;
        if (state.LegacyStatefulSet is { } statefulSet)
        {
            if (statefulSet.Metadata.DeletionTimestamp is not null)
            {
                return new MigrationReport(true, $"Moving to per-node identities waits for StatefulSet {names.LegacyStatefulSet} to be gone (its pods and PVCs stay).", null);
            }

            if (operationRunning)
            {
                return new MigrationReport(true, $"Moving to per-node identities waits for the running operation{OpenOperation(cluster)} to finish.", null);
            }

            // Read again: the workload step may have just made some of the nodes' Secrets.
            if ((await keys.CopyLegacyAsync(cluster, await keys.ReadAsync(names, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).Problem is { } disagreement)
            {
                return new MigrationReport(true, $"Moving to per-node identities is stopped: {disagreement}", null, Stopped: true);
            }

            var waiting = Enumerable.Range(0, replicas).Where(o => !certificates.IssuedNodes.Contains(o)).Select(names.NodeCertificate).ToList();
            if (waiting.Count > 0)
            {
                return new MigrationReport(true, $"Moving to per-node identities waits for cert-manager to issue {string.Join(", ", waiting)}.", null);
            }

            await ReleaseAsync(names, statefulSet, cancellationToken).ConfigureAwait(false);
            return new MigrationReport(true, null,
                $"Moving to per-node identities: deleted StatefulSet {names.LegacyStatefulSet} but kept its pods and PVCs; every node has its own Certificate and key Secret now, and its pod is replaced one at a time between epochs.");
        }

        var legacyPods = state.Pods.Where(state.IsLegacy).Select(p => p.Metadata.Name!).ToList();
        if (legacyPods.Count > 0)
        {
            return new MigrationReport(true, $"Moving to per-node identities: {string.Join(", ", legacyPods)} still use the shared certificate and keys and are replaced one at a time between epochs.", null);
        }

        if (!legacyKeysExist)
        {
            return MigrationReport.None;
        }

        // No pod uses the shared Secrets any more. The keys Secret goes last, and only with every key safe elsewhere.
        var nodeKeys = await keys.ReadAsync(names, cancellationToken).ConfigureAwait(false);
        if (nodeKeys.Legacy is null)
        {
            return MigrationReport.None;
        }

        var (problem, verified) = await keys.CopyLegacyAsync(cluster, nodeKeys, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return new MigrationReport(true, $"The shared Secret {names.LegacyNodeKeysSecret} is kept: {problem}", null, Stopped: true);
        }

        if (!verified)
        {
            return new MigrationReport(true, $"Copied node keys out of {names.LegacyNodeKeysSecret}; it goes once they are read back.", null);
        }

        await api.DeleteAsync(KubeResources.Certificates, names.Namespace, names.LegacyNodeCertificate, null, cancellationToken).ConfigureAwait(false);
        await CertificateSecrets.DeleteOwnAsync(api, names, names.LegacyNodeTlsSecret, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Secrets, names.Namespace, names.LegacyNodeKeysSecret, new DeleteOptions { PreconditionUid = nodeKeys.Legacy.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        return new MigrationReport(false, null,
            $"Moved to per-node identities: every node runs with its own certificate and key; deleted the shared Certificate {names.LegacyNodeCertificate}, Secret {names.LegacyNodeTlsSecret} and Secret {names.LegacyNodeKeysSecret} (each key is kept in its node's Secret).");
    }

    /// <summary>
    /// Deletes the StatefulSet without taking its pods or PVCs along. With <c>whenDeleted: Delete</c> its PVCs carry
    /// its owner reference, so the policy is set to Retain first, and the deletion orphans its dependents anyway.
    /// </summary>
    private async Task ReleaseAsync(ChildNames names, V1StatefulSet statefulSet, CancellationToken cancellationToken)
    {
        if (statefulSet.Spec?.PersistentVolumeClaimRetentionPolicy?.WhenDeleted != "Retain")
        {
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = statefulSet.Metadata.ResourceVersion },
                ["spec"] = new JsonObject { ["persistentVolumeClaimRetentionPolicy"] = new JsonObject { ["whenDeleted"] = "Retain" } },
            };
            await api.PatchAsync<V1StatefulSet>(names.Namespace, names.LegacyStatefulSet, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
        }

        await api.DeleteAsync(KubeResources.StatefulSets, names.Namespace, names.LegacyStatefulSet,
            new DeleteOptions { PropagationPolicy = "Orphan", PreconditionUid = statefulSet.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
    }

    private static string OpenOperation(SecretCluster cluster) => cluster.Status?.Refresh?.Id is { } id ? $" ({id})" : "";
}
