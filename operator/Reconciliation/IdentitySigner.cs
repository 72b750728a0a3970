using System.Text;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>What signing a fleet's identities came to.</summary>
/// <param name="Waiting">Null when every identity is signed; else why not (the CA is not issued yet, or unusable).</param>
/// <param name="NextRenewal">When the first certificate is due for renewal: the reconcile to come back for it.</param>
internal sealed record SigningReport(string? Waiting, DateTimeOffset? NextRenewal);

/// <summary>
/// Signs every identity of a fleet (<see cref="SignedIdentitySpecs"/>) with the CA cert-manager issued into Secret
/// <c>NAME-ca</c>, and renews each at two thirds of its life. A Secret is rewritten only when what it holds is not
/// what the operator would sign now (another CA, identity or DNS name, a key that does not fit, close to expiry).
/// </summary>
internal sealed class IdentitySigner(IKubeApi api, TimeProvider time)
{
    public async Task<SigningReport> ReconcileAsync(SecretCluster cluster, int replicas, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        var caSecret = await api.GetAsync<V1Secret>(names.Namespace, names.CertificateAuthority, cancellationToken).ConfigureAwait(false);
        if (caSecret?.Data is not { } ca || !ca.TryGetValue(TlsMaterial.CertificateFileName, out var caCertificate) || !ca.TryGetValue(TlsMaterial.PrivateKeyFileName, out var caKey))
        {
            return new SigningReport($"waiting for cert-manager to issue the fleet's CA into Secret {names.CertificateAuthority}", null);
        }

        LocalCertificateAuthority authority;
        try
        {
            authority = LocalCertificateAuthority.FromPem(Encoding.UTF8.GetString(caCertificate), Encoding.UTF8.GetString(caKey), ChildNames.TrustDomainOf(cluster), time);
        }
        catch (TlsMaterialException e)
        {
            return new SigningReport($"the CA in Secret {names.CertificateAuthority} cannot sign: {e.Message}", null);
        }

        using (authority)
        {
            var now = time.GetUtcNow();
            DateTimeOffset? next = null;
            foreach (var identity in SignedIdentitySpecs.All(cluster, replicas))
            {
                var current = await api.GetAsync<V1Secret>(names.Namespace, identity.SecretName, cancellationToken).ConfigureAwait(false);
                var expires = SignedLeaf.ValidUntil(current, identity, authority, time);
                if (expires is null || expires.Value - now <= SignedIdentitySpecs.RenewBefore)
                {
                    var issued = authority.Issue(new LeafCertificateRequest(identity.Identity, SignedIdentitySpecs.Lifetime) { DnsNames = identity.DnsNames });
                    await api.ApplyAsync(SignedIdentitySpecs.Build(cluster, identity, issued), ApplyOptions.Operator, cancellationToken).ConfigureAwait(false);
                    using var signed = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(issued.CertificatePem);
                    expires = new DateTimeOffset(signed.NotAfter.ToUniversalTime());
                }

                var renewal = expires.Value - SignedIdentitySpecs.RenewBefore;
                next = next is null || renewal < next ? renewal : next;
            }

            return new SigningReport(null, next);
        }
    }
}
