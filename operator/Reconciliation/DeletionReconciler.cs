using System.Text.Json;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// Carries out <c>spec.deletionPolicy</c> before the <c>secretfleet.io/cleanup</c> finalizer lets a
/// SecretCluster go. Retain: the PVCs (not owned by the SecretCluster) and the node-keys Secret (released
/// from its owner so that garbage collection keeps it) survive, and re-creating the SecretCluster adopts them.
/// Delete: the nodes stop, then their volumes and keys are deleted, which destroys the shares. Either way an
/// Event says exactly what was kept or destroyed.
/// </summary>
internal sealed class DeletionReconciler(IKubeApi api, FleetSupervisors supervisors, IEventRecorder events, TimeSpan pollInterval)
{
    public async Task<ReconcileResult> ReconcileAsync(SecretCluster cluster, CancellationToken cancellationToken)
    {
        if (!cluster.Metadata.HasFinalizer(LabelsAndAnnotations.CleanupFinalizer))
        {
            return ReconcileResult.Success();
        }

        var key = ClusterKey.Of(cluster);
        var names = ChildNames.Of(cluster);
        if (cluster.Spec.DeletionPolicy == DeletionPolicy.Retain)
        {
            // A running refresh finishes first: its record lives in this object's status, and a node left with a
            // staged operation nobody remembers could not take part in the next one.
            if (supervisors.Snapshot(key).Busy)
            {
                return ReconcileResult.Requeue(pollInterval);
            }

            await supervisors.RemoveAsync(key).ConfigureAwait(false);
            var kept = await ReleaseNodeKeysAsync(cluster, names, cancellationToken).ConfigureAwait(false);
            var claims = await ClaimsAsync(names, cancellationToken).ConfigureAwait(false);
            await events.RecordAsync(cluster, EventSeverity.Normal, EventReasons.DataRetained, "Delete",
                $"deletionPolicy Retain: kept PVCs {List(claims)} and {(kept ? $"Secret {names.NodeKeysSecret}" : "no node-keys Secret (there was none)")}, which hold the shares and the keys that unseal them. Re-create SecretCluster {names.Cluster} in {names.Namespace} to adopt them, or delete them to destroy the shares.",
                cancellationToken).ConfigureAwait(false);
            await Finalizers.RemoveAsync(api, cluster, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        // Delete: shares are about to be destroyed, so nothing is worth finishing.
        await supervisors.RemoveAsync(key).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.StatefulSets, names.Namespace, names.StatefulSet, null, cancellationToken).ConfigureAwait(false);
        var pods = await api.ListAsync<Pod>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.NodePodSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        if (pods.Items.Count > 0)
        {
            // Volumes go only once no node runs on them.
            return ReconcileResult.Requeue(pollInterval);
        }

        var deleted = await ClaimsAsync(names, cancellationToken).ConfigureAwait(false);
        foreach (var claim in deleted)
        {
            await api.DeleteAsync(KubeResources.PersistentVolumeClaims, names.Namespace, claim, null, cancellationToken).ConfigureAwait(false);
        }

        await api.DeleteAsync(KubeResources.Secrets, names.Namespace, names.NodeKeysSecret, null, cancellationToken).ConfigureAwait(false);

        // Certificates go before their Secrets: cert-manager would re-issue a Secret whose Certificate still exists.
        foreach (var certificate in new[] { names.NodeCertificate, names.OperatorCertificate, names.ClientCertificate, names.CertificateAuthority })
        {
            await api.DeleteAsync(KubeResources.Certificates, names.Namespace, certificate, null, cancellationToken).ConfigureAwait(false);
        }

        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.CertificateAuthority, null, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.SelfSignedIssuer, null, cancellationToken).ConfigureAwait(false);
        foreach (var secret in new[] { names.NodeTlsSecret, names.OperatorTlsSecret, names.ClientTlsSecret, names.CertificateAuthority })
        {
            await DeleteOwnSecretAsync(names, secret, cancellationToken).ConfigureAwait(false);
        }

        await events.RecordAsync(cluster, EventSeverity.Warning, EventReasons.DataDeleted, "Delete",
            $"deletionPolicy Delete: deleted PVCs {List(deleted)} and Secret {names.NodeKeysSecret}; the shares held by {names.Cluster} are destroyed, and so are its certificates.",
            cancellationToken).ConfigureAwait(false);
        await Finalizers.RemoveAsync(api, cluster, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Success();
    }

    /// <summary>The data PVCs of this cluster: by label, or by the StatefulSet's naming (data-NAME-i).</summary>
    private async Task<IReadOnlyList<string>> ClaimsAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var claims = await api.ListAsync<KubeObject>(KubeResources.PersistentVolumeClaims, names.Namespace, null, cancellationToken).ConfigureAwait(false);
        return [.. claims.Items
            .Where(c => c.Metadata.DeletionTimestamp is null)
            .Select(c => c.Metadata.Name!)
            .Where(n => names.ClaimOrdinal(n) is not null)
            .OrderBy(n => names.ClaimOrdinal(n))];
    }

    /// <summary>Removes this cluster's controller reference from the node-keys Secret so garbage collection keeps it.</summary>
    private async Task<bool> ReleaseNodeKeysAsync(SecretCluster cluster, ChildNames names, CancellationToken cancellationToken)
    {
        var secret = await api.GetAsync<Secret>(names.Namespace, names.NodeKeysSecret, cancellationToken).ConfigureAwait(false);
        if (secret is null)
        {
            return false;
        }

        var owners = secret.Metadata.OwnerReferences ?? [];
        if (owners.Any(o => o.Uid == cluster.Metadata.Uid))
        {
            var remaining = new JsonArray([.. owners.Where(o => o.Uid != cluster.Metadata.Uid).Select(o => JsonSerializer.SerializeToNode(o, KubeJson.Options))]);
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = secret.Metadata.ResourceVersion, ["ownerReferences"] = remaining } };
            await api.PatchAsync<Secret>(names.Namespace, names.NodeKeysSecret, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Deletes a certificate Secret only if cert-manager made it for this cluster (it carries our label).</summary>
    private async Task DeleteOwnSecretAsync(ChildNames names, string name, CancellationToken cancellationToken)
    {
        var secret = await api.GetAsync<Secret>(names.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (secret?.Metadata.Label(LabelsAndAnnotations.Cluster) == names.Cluster)
        {
            await api.DeleteAsync(KubeResources.Secrets, names.Namespace, name, new DeleteOptions { PreconditionUid = secret.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
