using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Whether a Secret already holds what the operator would sign now, so that it is not re-signed at every reconcile.</summary>
internal static class SignedLeaf
{
    /// <summary>
    /// When the certificate in <paramref name="secret"/> expires, if it is exactly <paramref name="wanted"/>: usable TLS
    /// material as a node would load it (its own key beside it, valid now, chained to its <c>ca.crt</c>), whose
    /// <c>ca.crt</c> is <paramref name="authority"/>, for that identity and those DNS names only. Null when it must be
    /// signed again.
    /// </summary>
    public static DateTimeOffset? ValidUntil(V1Secret? secret, SignedIdentity wanted, LocalCertificateAuthority authority, TimeProvider time)
    {
        if (secret?.Data is not { } data
            || !data.TryGetValue(TlsMaterial.CertificateFileName, out var certificatePem)
            || !data.TryGetValue(TlsMaterial.PrivateKeyFileName, out var keyPem)
            || !data.TryGetValue(TlsMaterial.CertificateAuthorityFileName, out var caPem))
        {
            return null;
        }

        TlsMaterial material;
        try
        {
            material = TlsMaterial.FromPem(Encoding.UTF8.GetString(certificatePem), Encoding.UTF8.GetString(keyPem), Encoding.UTF8.GetString(caPem), time);
        }
        catch (Exception e) when (e is TlsMaterialException or System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            // Anything a Secret could hold that is not usable material is signed again, never a failed reconcile.
            return null;
        }

        using (material)
        {
            return material.CertificateAuthority.RawDataMemory.Span.SequenceEqual(authority.Certificate.RawDataMemory.Span)
                && material.Identity == wanted.Identity
                && DnsNames(material.Certificate).SetEquals(wanted.DnsNames)
                    ? new DateTimeOffset(material.Certificate.NotAfter.ToUniversalTime())
                    : null;
        }
    }

    private static HashSet<string> DnsNames(X509Certificate2 leaf) =>
        [.. leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];
}
