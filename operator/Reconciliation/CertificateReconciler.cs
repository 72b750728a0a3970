using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Whether the fleet's certificates are issued, and if not, which wait and why.</summary>
/// <param name="Ready">Every certificate is issued.</param>
/// <param name="Message">Who issues them, or which wait and why.</param>
/// <param name="FleetReady">The CA, operator and client certificates are issued: the workload may be applied and the coordinator may run.</param>
/// <param name="IssuedNodes">The ordinals whose node certificate is issued: only their pods may start.</param>
internal sealed record CertificateReport(bool Ready, string Message, bool FleetReady, IReadOnlySet<int> IssuedNodes)
{
    public static CertificateReport Missing(string message) => new(false, message, false, new HashSet<int>());
}

/// <summary>
/// Applies the issuers (unless <c>spec.issuerRef</c> names the user's) and the CA, operator and client Certificates
/// and one Certificate per node, and reports whether cert-manager has issued them. A node Certificate above the
/// replica count is removed once its pod is gone, so a node taken out of the fleet keeps no identity; so is the
/// Certificate of a client taken out of <c>spec.clients</c>. Switching to
/// <c>issuerRef</c> removes the per-cluster CA objects the operator made before.
/// </summary>
internal sealed class CertificateReconciler(IKubeApi api)
{
    public const string CertManagerMissing =
        "cert-manager is not installed: the API server does not serve certificates.cert-manager.io. Install cert-manager (1.12 or newer) first; the fleet is created once it runs.";

    public async Task<CertificateReport> ReconcileAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        try
        {
            var report = await ApplyAsync(state.Cluster, replicas, cancellationToken).ConfigureAwait(false);
            await PruneCertificatesAsync(state, replicas, cancellationToken).ConfigureAwait(false);
            return report;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // An apply creates what is missing, so a 404 means the resource type itself is not served.
            return CertificateReport.Missing(CertManagerMissing);
        }
    }

    private async Task<CertificateReport> ApplyAsync(SecretCluster cluster, int replicas, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        var issuers = IssuerSpecs.All(cluster);
        if (issuers.Count == 0)
        {
            await PruneOwnAuthorityAsync(names, cancellationToken).ConfigureAwait(false);
        }

        foreach (var issuer in issuers)
        {
            await api.ApplyAsync(issuer, ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        }

        var pending = new List<string>();
        var fleetReady = true;
        var issuedNodes = new HashSet<int>();
        foreach (var certificate in CertificateSpecs.All(cluster, replicas))
        {
            var applied = await api.ApplyAsync(certificate, ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
            var node = names.NodeCertificateOrdinal(applied.Metadata.Name ?? "");
            if (Pending(applied) is { } why)
            {
                pending.Add($"Certificate {applied.Metadata.Name}: {why}");

                // Each node waits for its own certificate, and a user's client for its; the fleet for the rest.
                fleetReady &= node is not null || names.NamedClientOf(applied.Metadata.Name ?? "") is not null;
            }
            else if (node is { } ordinal)
            {
                issuedNodes.Add(ordinal);
            }
        }

        return pending.Count == 0
            ? new CertificateReport(true, IssuerText(cluster, names), true, issuedNodes)
            : new CertificateReport(false, string.Join("; ", pending), fleetReady, issuedNodes);
    }

    /// <summary>
    /// Deletes node Certificates (and their Secrets) of ordinals at or above the replica count whose pod is gone, and
    /// the Certificates and Secrets of clients no longer in <c>spec.clients</c>, so neither keeps an identity.
    /// </summary>
    private async Task PruneCertificatesAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        var names = state.Names;
        var clients = CertificateSpecs.NamedClients(state.Cluster).ToHashSet(StringComparer.Ordinal);
        var certificates = await api.ListAsync<KubeObject>(KubeResources.Certificates, names.Namespace, new ListOptions { LabelSelector = ChildMetadata.ClusterSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false);
        foreach (var certificate in certificates.Items)
        {
            var name = certificate.Metadata.Name ?? "";
            var secret = names.NodeCertificateOrdinal(name) is { } ordinal
                ? ordinal >= replicas && state.AnyPodAt(ordinal) is null ? names.NodeTlsSecret(ordinal) : null
                : names.NamedClientOf(name) is { } client && !clients.Contains(client) ? names.ClientTlsSecretOf(client) : null;
            if (secret is not null)
            {
                // The Certificate first: cert-manager would re-issue a Secret whose Certificate still exists.
                await api.DeleteAsync(KubeResources.Certificates, names.Namespace, name, new DeleteOptions { PreconditionUid = certificate.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
                await CertificateSecrets.DeleteOwnAsync(api, names, secret, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Null when cert-manager reports the certificate Ready for its current spec.</summary>
    internal static string? Pending(KubeObject certificate)
    {
        var ready = KubeObjects.Condition(certificate, "Ready");
        if (ready is null)
        {
            return "waiting for cert-manager to issue it";
        }

        var generation = certificate.Metadata.Generation;
        var observed = ready["observedGeneration"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<long>(out var generationSeen) ? generationSeen : (long?)null;
        if (KubeObjects.String(ready["status"]) == "True" && (observed is null || generation is null || observed >= generation))
        {
            return null;
        }

        var reason = KubeObjects.String(ready["reason"]);
        var message = KubeObjects.String(ready["message"]);
        return reason is null && message is null ? "not ready yet" : $"{reason}: {message}";
    }

    private async Task PruneOwnAuthorityAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var ca = await api.GetAsync<KubeObject>(KubeResources.Certificates, names.Namespace, names.CertificateAuthority, cancellationToken).ConfigureAwait(false);
        if (ca is null || ca.Metadata.Label(LabelsAndAnnotations.Cluster) != names.Cluster)
        {
            return;
        }

        await api.DeleteAsync(KubeResources.Certificates, names.Namespace, names.CertificateAuthority, null, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.CertificateAuthority, null, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.SelfSignedIssuer, null, cancellationToken).ConfigureAwait(false);
    }

    private static string IssuerText(SecretCluster cluster, ChildNames names) =>
        cluster.Spec.IssuerRef is { } issuer
            ? $"The node, operator and client certificates are issued by {issuer.Kind} {issuer.Name}."
            : $"The node, operator and client certificates are issued by this cluster's CA ({names.CertificateAuthority}).";
}
