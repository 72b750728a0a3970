using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// Carries out <c>spec.deletionPolicy</c> before the <c>secretfleet.io/cleanup</c> finalizer lets a
/// SecretCluster go. Retain: the PVCs (not owned by the SecretCluster) and the nodes' key Secrets (released
/// from their owner so that garbage collection keeps them) survive, and re-creating the SecretCluster adopts them.
/// Delete: the nodes stop, then their volumes and keys are deleted, which destroys the shares. Either way an
/// Event says exactly what was kept or destroyed.
/// </summary>
internal sealed class DeletionReconciler(IKubeApi api, FleetSupervisors supervisors, IEventRecorder events, TimeSpan pollInterval)
{
    public async Task<ReconcileResult> ReconcileAsync(SecretCluster cluster, CancellationToken cancellationToken)
    {
        if (!cluster.HasFinalizer(LabelsAndAnnotations.CleanupFinalizer))
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
            var kept = await ReleaseKeysAsync(cluster, names, cancellationToken).ConfigureAwait(false);
            var claims = await ClaimsAsync(names, cancellationToken).ConfigureAwait(false);
            await events.RecordAsync(cluster, EventSeverity.Normal, EventReasons.DataRetained, "Delete",
                $"deletionPolicy Retain: kept PVCs {List(claims)} and key Secrets {List(kept)}, which hold the shares and the keys that unseal them. Re-create SecretCluster {names.Cluster} in {names.Namespace} to adopt them, or delete them to destroy the shares.",
                cancellationToken).ConfigureAwait(false);
            await Finalizers.RemoveAsync(api, cluster, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        // Delete: shares are about to be destroyed, so nothing is worth finishing.
        await supervisors.RemoveAsync(key).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.StatefulSets, names.Namespace, names.LegacyStatefulSet, null, cancellationToken).ConfigureAwait(false);
        var pods = await api.ListAsync<V1Pod>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.NodePodSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        if (pods.Items.Count > 0)
        {
            foreach (var pod in pods.Items.Where(p => p.Metadata.DeletionTimestamp is null))
            {
                await api.DeleteAsync(KubeResources.Pods, names.Namespace, pod.Metadata.Name!, new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            }

            // Volumes go only once no node runs on them.
            return ReconcileResult.Requeue(pollInterval);
        }

        var deleted = await ClaimsAsync(names, cancellationToken).ConfigureAwait(false);
        foreach (var claim in deleted)
        {
            await api.DeleteAsync(KubeResources.PersistentVolumeClaims, names.Namespace, claim, null, cancellationToken).ConfigureAwait(false);
        }

        var keys = await KeySecretsAsync(names, cancellationToken).ConfigureAwait(false);
        foreach (var secret in keys)
        {
            await api.DeleteAsync(KubeResources.Secrets, names.Namespace, secret.Metadata.Name!, new DeleteOptions { PreconditionUid = secret.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        }

        // Certificates go before their Secrets: cert-manager would re-issue a Secret whose Certificate still exists.
        var certificates = await api.ListAsync<Certificate>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.ClusterSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        var secretNames = new List<string> { names.OperatorTlsSecret, names.ClientTlsSecret, names.CertificateAuthority, names.LegacyNodeTlsSecret };
        foreach (var certificate in certificates.Items)
        {
            if (names.IsIdentityCertificate(certificate.Metadata.Name ?? ""))
            {
                secretNames.Add($"{certificate.Metadata.Name}-tls");
            }

            await api.DeleteAsync(KubeResources.Certificates, names.Namespace, certificate.Metadata.Name!, null, cancellationToken).ConfigureAwait(false);
        }

        // The identities the operator signed have no Certificate; garbage collection would take them later, this takes them now.
        var labelled = await api.ListAsync<V1Secret>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.ClusterSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        secretNames.AddRange(labelled.Items.Select(s => s.Metadata.Name!).Where(n => ChildNames.CertificateOfTlsSecret(n) is { } certificate && names.IsIdentityCertificate(certificate) && !secretNames.Contains(n)));

        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.CertificateAuthority, null, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.SelfSignedIssuer, null, cancellationToken).ConfigureAwait(false);
        foreach (var secret in secretNames)
        {
            await CertificateSecrets.DeleteOwnAsync(api, names, secret, cancellationToken).ConfigureAwait(false);
        }

        await events.RecordAsync(cluster, EventSeverity.Warning, EventReasons.DataDeleted, "Delete",
            $"deletionPolicy Delete: deleted PVCs {List(deleted)} and key Secrets {List([.. keys.Select(k => k.Metadata.Name!)])}; the shares held by {names.Cluster} are destroyed, and so are its certificates.",
            cancellationToken).ConfigureAwait(false);
        await Finalizers.RemoveAsync(api, cluster, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Success();
    }

    /// <summary>The data PVCs of this cluster, by their naming (data-NAME-i), in ordinal order.</summary>
    private async Task<IReadOnlyList<string>> ClaimsAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var claims = await api.ListAsync<V1PersistentVolumeClaim>(names.Namespace, null, cancellationToken).ConfigureAwait(false);
        return [.. claims.Items
            .Where(c => c.Metadata.DeletionTimestamp is null)
            .Select(c => c.Metadata.Name!)
            .Where(n => names.ClaimOrdinal(n) is not null)
            .OrderBy(n => names.ClaimOrdinal(n))];
    }

    /// <summary>The nodes' key Secrets (<c>NAME-node-i-key</c>, and <c>NAME-node-keys</c> of an older fleet), in ordinal order.</summary>
    private async Task<IReadOnlyList<V1Secret>> KeySecretsAsync(ChildNames names, CancellationToken cancellationToken)
    {
        // The node-component selector leaves the TLS Secrets (component certificates) out.
        var secrets = await api.ListAsync<V1Secret>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.NodePodSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        return [.. secrets.Items
            .Where(s => s.Metadata.DeletionTimestamp is null && (names.NodeKeySecretOrdinal(s.Metadata.Name ?? "") is not null || s.Metadata.Name == names.LegacyNodeKeysSecret))
            .OrderBy(s => names.NodeKeySecretOrdinal(s.Metadata.Name!) ?? -1)];
    }

    /// <summary>Removes this cluster's controller reference from the key Secrets so garbage collection keeps them; their names.</summary>
    private async Task<IReadOnlyList<string>> ReleaseKeysAsync(SecretCluster cluster, ChildNames names, CancellationToken cancellationToken)
    {
        var kept = new List<string>();
        foreach (var secret in await KeySecretsAsync(names, cancellationToken).ConfigureAwait(false))
        {
            var owners = secret.Metadata.OwnerReferences ?? [];
            if (owners.Any(o => o.Uid == cluster.Metadata.Uid))
            {
                var remaining = new JsonArray([.. owners.Where(o => o.Uid != cluster.Metadata.Uid).Select(o => JsonSerializer.SerializeToNode(o, KubeJson.Options))]);
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = secret.Metadata.ResourceVersion, ["ownerReferences"] = remaining } };
                await api.PatchAsync<V1Secret>(names.Namespace, secret.Metadata.Name!, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
            }

            kept.Add(secret.Metadata.Name!);
        }

        return kept;
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
