using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Whether anyone but the operator can obtain one of the fleet's identities (the IdentitiesProtected condition).</summary>
internal sealed record IdentityProtection(bool Protected, string Reason, string Message)
{
    public static IdentityProtection NotYet { get; } = new(false, Conditions.Reasons.CertificatesPending, "No identity is issued yet.");
}

/// <summary>Whether the fleet's certificates are issued, and if not, which wait and why.</summary>
/// <param name="Ready">Every certificate is issued.</param>
/// <param name="Message">Who issues them, or which wait and why.</param>
/// <param name="FleetReady">The CA, operator and client certificates are issued: the workload may be applied and the coordinator may run.</param>
/// <param name="IssuedNodes">The ordinals whose node certificate is issued: only their pods may start.</param>
/// <param name="Protection">Who else could obtain a fleet identity.</param>
/// <param name="NextRenewal">When the operator must renew a certificate it signed (null: cert-manager renews).</param>
internal sealed record CertificateReport(bool Ready, string Message, bool FleetReady, IReadOnlySet<int> IssuedNodes, IdentityProtection Protection, DateTimeOffset? NextRenewal = null)
{
    public static CertificateReport Missing(string message) => new(false, message, false, new HashSet<int>(), IdentityProtection.NotYet);
}

/// <summary>
/// The fleet's identities. Without <c>spec.issuerRef</c> cert-manager issues only the fleet's CA (a self-signed Issuer
/// signs Certificate <c>NAME-ca</c>) and the operator signs every node, operator and client certificate with it
/// (<see cref="IdentitySigner"/>): no cert-manager Issuer signs with that CA, so nobody who may create Certificates or
/// CertificateRequests can mint a node's identity. With <c>spec.issuerRef</c> the user's issuer signs them through one
/// cert-manager Certificate each, and the IdentitiesProtected condition says what that exposes. Either way a node
/// identity above the replica count goes once its pod is gone, and a client's once it leaves <c>spec.clients</c>.
/// </summary>
internal sealed class CertificateReconciler(IKubeApi api, TimeProvider time)
{
    public const string CertManagerMissing =
        "cert-manager is not installed: the API server does not serve certificates.cert-manager.io. Install cert-manager (1.12 or newer) first; the fleet is created once it runs.";

    private readonly IdentitySigner _signer = new(api, time);

    public async Task<CertificateReport> ReconcileAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        try
        {
            var report = state.Cluster.Spec.IssuerRef is null
                ? await OwnAuthorityAsync(state, replicas, cancellationToken).ConfigureAwait(false)
                : await ExternalIssuerAsync(state, replicas, cancellationToken).ConfigureAwait(false);
            await PruneSecretsAsync(state, replicas, cancellationToken).ConfigureAwait(false);
            return report;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // An apply creates what is missing, so a 404 means the resource type itself is not served.
            return CertificateReport.Missing(CertManagerMissing);
        }
    }

    private async Task<CertificateReport> OwnAuthorityAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        var cluster = state.Cluster;
        var names = state.Names;
        await api.ApplyAsync(IssuerSpecs.SelfSigned(cluster), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
        var ca = await api.ApplyAsync(CertificateSpecs.CertificateAuthority(cluster), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);

        // Before signing: cert-manager would re-issue into a Secret whose Certificate still exists.
        await RetireCertManagerIssuerAsync(names, cancellationToken).ConfigureAwait(false);
        await PruneCertificatesAsync(state, replicas, cancellationToken).ConfigureAwait(false);
        if (Pending(ca) is { } why)
        {
            return CertificateReport.Missing($"Certificate {names.CertificateAuthority}: {why}");
        }

        var signing = await _signer.ReconcileAsync(cluster, replicas, cancellationToken).ConfigureAwait(false);
        if (signing.Waiting is { } waiting)
        {
            return CertificateReport.Missing(waiting);
        }

        return new CertificateReport(
            true, $"The operator signs the node, operator and client certificates with this cluster's CA (Secret {names.CertificateAuthority}).", true,
            Enumerable.Range(0, replicas).ToHashSet(), await OwnProtectionAsync(names, cancellationToken).ConfigureAwait(false), signing.NextRenewal);
    }

    /// <summary>
    /// cert-manager's CA Issuer reads the CA Secret for whoever references it, so an Issuer naming <c>NAME-ca</c> (ours
    /// from before, or anyone's) would sign fleet identities for anyone who may request certificates from it.
    /// </summary>
    private async Task<IdentityProtection> OwnProtectionAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var issuers = await api.ListAsync<Issuer>(names.Namespace, null, cancellationToken).ConfigureAwait(false);
        var exposing = issuers.Items
            .Where(i => i.Spec?.Ca?.SecretName == names.CertificateAuthority)
            .Select(i => i.Metadata.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        return exposing.Count == 0
            ? new IdentityProtection(true, Conditions.Reasons.OperatorSigns,
                $"Only the operator signs this fleet's identities: no cert-manager Issuer uses its CA (Secret {names.CertificateAuthority}), so creating Certificates or CertificateRequests yields none. Whoever may read that Secret could still sign; keep Secret access in {names.Namespace} to administrators.")
            : new IdentityProtection(false, Conditions.Reasons.CertificateAuthorityExposed,
                $"Issuer {string.Join(", ", exposing)} signs with this fleet's CA (Secret {names.CertificateAuthority}): anyone who may create Certificates or CertificateRequests against it can obtain a node, operator or client identity. Delete it.");
    }

    /// <summary>Deletes the CA Issuer an older operator made, which signed the fleet's identities through cert-manager.</summary>
    private async Task RetireCertManagerIssuerAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var issuer = await api.GetAsync<Issuer>(names.Namespace, names.CertificateAuthority, cancellationToken).ConfigureAwait(false);
        if (issuer?.GetLabel(LabelsAndAnnotations.Cluster) == names.Cluster)
        {
            await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.CertificateAuthority, new DeleteOptions { PreconditionUid = issuer.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CertificateReport> ExternalIssuerAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        var cluster = state.Cluster;
        var names = state.Names;
        await PruneOwnAuthorityAsync(names, cancellationToken).ConfigureAwait(false);
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

        await PruneCertificatesAsync(state, replicas, cancellationToken).ConfigureAwait(false);
        var issuer = cluster.Spec.IssuerRef!;
        var protection = new IdentityProtection(false, Conditions.Reasons.SharedIssuer,
            $"{issuer.Kind} {issuer.Name} signs this fleet's identities: anyone who may create Certificates or CertificateRequests against it can obtain a node, operator or client identity. Restrict it (cert-manager approver-policy), or omit spec.issuerRef so that only the operator signs.");
        return pending.Count == 0
            ? new CertificateReport(true, $"The node, operator and client certificates are issued by {issuer.Kind} {issuer.Name}.", true, issuedNodes, protection)
            : new CertificateReport(false, string.Join("; ", pending), fleetReady, issuedNodes, protection);
    }

    /// <summary>
    /// Deletes the Certificates the fleet no longer needs. Without <c>spec.issuerRef</c> that is every one but the CA's
    /// (the operator signs the identities; leaf Certificates are an older operator's). With it, those of node ordinals
    /// at or above the replica count whose pod is gone and of clients no longer in <c>spec.clients</c>.
    /// </summary>
    private async Task PruneCertificatesAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        var names = state.Names;
        var ownAuthority = state.Cluster.Spec.IssuerRef is null;
        foreach (var certificate in await ClusterCertificatesAsync(names, cancellationToken).ConfigureAwait(false))
        {
            var name = certificate.Metadata.Name!;
            if (ownAuthority ? name != names.CertificateAuthority : Stale(state, replicas, name))
            {
                await api.DeleteAsync(KubeResources.Certificates, names.Namespace, name, new DeleteOptions { PreconditionUid = certificate.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Deletes the TLS Secrets of node ordinals at or above the replica count whose pod is gone, and of clients no
    /// longer in <c>spec.clients</c> (their Certificates, if any, went first), so neither keeps an identity.
    /// </summary>
    private async Task PruneSecretsAsync(ClusterState state, int replicas, CancellationToken cancellationToken)
    {
        var names = state.Names;
        var selector = $"{ChildMetadata.ClusterSelector(names.Cluster)},{LabelsAndAnnotations.Component}={LabelsAndAnnotations.Components.Certificates}";
        var secrets = await api.ListAsync<V1Secret>(names.Namespace, new ListOptions { LabelSelector = selector }, cancellationToken).ConfigureAwait(false);
        foreach (var secret in secrets.Items)
        {
            if (ChildNames.CertificateOfTlsSecret(secret.Metadata.Name!) is { } certificate && Stale(state, replicas, certificate))
            {
                await api.DeleteAsync(KubeResources.Secrets, names.Namespace, secret.Metadata.Name!, new DeleteOptions { PreconditionUid = secret.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the identity of Certificate (or Secret base) <paramref name="certificateName"/> is one the fleet no longer has.</summary>
    private static bool Stale(ClusterState state, int replicas, string certificateName) =>
        state.Names.NodeCertificateOrdinal(certificateName) is { } ordinal
            ? ordinal >= replicas && state.AnyPodAt(ordinal) is null
            : state.Names.NamedClientOf(certificateName) is { } client && !CertificateSpecs.NamedClients(state.Cluster).Contains(client);

    private async Task<IReadOnlyList<Certificate>> ClusterCertificatesAsync(ChildNames names, CancellationToken cancellationToken) =>
        (await api.ListAsync<Certificate>(names.Namespace, new ListOptions { LabelSelector = ChildMetadata.ClusterSelector(names.Cluster) }, cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>Null when cert-manager reports the certificate Ready for its current spec.</summary>
    internal static string? Pending(Certificate certificate)
    {
        var ready = certificate.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (ready is null)
        {
            return "waiting for cert-manager to issue it";
        }

        var generation = certificate.Metadata.Generation;
        if (ready.Status == "True" && (ready.ObservedGeneration is null || generation is null || ready.ObservedGeneration >= generation))
        {
            return null;
        }

        return ready.Reason is null && ready.Message is null ? "not ready yet" : $"{ready.Reason}: {ready.Message}";
    }

    private async Task PruneOwnAuthorityAsync(ChildNames names, CancellationToken cancellationToken)
    {
        var ca = await api.GetAsync<Certificate>(names.Namespace, names.CertificateAuthority, cancellationToken).ConfigureAwait(false);
        if (ca is null || ca.GetLabel(LabelsAndAnnotations.Cluster) != names.Cluster)
        {
            return;
        }

        await api.DeleteAsync(KubeResources.Certificates, names.Namespace, names.CertificateAuthority, null, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.CertificateAuthority, null, cancellationToken).ConfigureAwait(false);
        await api.DeleteAsync(KubeResources.Issuers, names.Namespace, names.SelfSignedIssuer, null, cancellationToken).ConfigureAwait(false);
    }
}
