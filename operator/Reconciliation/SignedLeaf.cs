using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SecretFleet.Core.Identity;
using SecretFleet.Kube.Models;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Whether a Secret already holds what the operator would sign now, so that it is not re-signed at every reconcile.</summary>
internal static class SignedLeaf
{
    /// <summary>
    /// When the certificate in <paramref name="secret"/> expires, if it is exactly <paramref name="wanted"/>: issued by
    /// <paramref name="authority"/> (chain checked, and its <c>ca.crt</c> is that CA), for that identity and those DNS
    /// names only, with its own key beside it, and valid now. Null when it must be signed again.
    /// </summary>
    public static DateTimeOffset? ValidUntil(Secret? secret, SignedIdentity wanted, LocalCertificateAuthority authority, DateTimeOffset now)
    {
        if (secret?.Data is not { } data
            || !data.TryGetValue(TlsMaterial.CertificateFileName, out var certificatePem)
            || !data.TryGetValue(TlsMaterial.PrivateKeyFileName, out var keyPem)
            || !data.TryGetValue(TlsMaterial.CertificateAuthorityFileName, out var caPem))
        {
            return null;
        }

        try
        {
            using var leaf = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(certificatePem));
            using var ca = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(caPem));
            if (!ca.RawDataMemory.Span.SequenceEqual(authority.Certificate.RawDataMemory.Span)
                || leaf.NotBefore.ToUniversalTime() > now.UtcDateTime
                || !IssuedBy(leaf, authority.Certificate, now)
                || FleetIdentity.FromCertificate(leaf) != wanted.Identity
                || !DnsNames(leaf).SetEquals(wanted.DnsNames)
                || !KeyBelongs(leaf, Encoding.UTF8.GetString(keyPem)))
            {
                return null;
            }

            return new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static bool IssuedBy(X509Certificate2 leaf, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(leaf);
    }

    private static HashSet<string> DnsNames(X509Certificate2 leaf) =>
        [.. leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];

    private static bool KeyBelongs(X509Certificate2 leaf, string keyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        using var published = leaf.GetECDsaPublicKey();
        return published is not null && published.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());
    }
}
