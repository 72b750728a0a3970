using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Whether the fleet's certificates are issued, and if not, which wait and why.</summary>
internal sealed record CertificateReport(bool Ready, string Message);

/// <summary>
/// Applies the issuers (unless <c>spec.issuerRef</c> names the user's) and the CA, node, operator and client
/// Certificates, and reports whether cert-manager has issued them. Switching to <c>issuerRef</c> removes the
/// per-cluster CA objects the operator made before.
/// </summary>
internal sealed class CertificateReconciler(IKubeApi api)
{
    public const string CertManagerMissing =
        "cert-manager is not installed: the API server does not serve certificates.cert-manager.io. Install cert-manager (1.12 or newer) first; the fleet is created once it runs.";

    public async Task<CertificateReport> ReconcileAsync(SecretCluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyAsync(cluster, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // An apply creates what is missing, so a 404 means the resource type itself is not served.
            return new CertificateReport(false, CertManagerMissing);
        }
    }

    private async Task<CertificateReport> ApplyAsync(SecretCluster cluster, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        if (cluster.Spec.IssuerRef is null)
        {
            await api.ApplyAsync(IssuerSpecs.SelfSigned(cluster), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
            await api.ApplyAsync(IssuerSpecs.CertificateAuthority(cluster), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await PruneOwnAuthorityAsync(names, cancellationToken).ConfigureAwait(false);
        }

        var pending = new List<string>();
        foreach (var certificate in CertificateSpecs.All(cluster))
        {
            var applied = await api.ApplyAsync(certificate, ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
            if (Pending(applied) is { } why)
            {
                pending.Add($"Certificate {applied.Metadata.Name}: {why}");
            }
        }

        return pending.Count == 0
            ? new CertificateReport(true, IssuerText(cluster, names))
            : new CertificateReport(false, string.Join("; ", pending));
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
