using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.KubeEmulator;

/// <summary>A CA Issuer's key pair (from its Secret): the certificate with its private key, and the PEMs to hand on.</summary>
internal sealed record SigningAuthority(X509Certificate2 Certificate, string CertificatePem, string CaPem) : IDisposable
{
    /// <summary>Loads <c>tls.crt</c>/<c>tls.key</c> (and <c>ca.crt</c> if present) of a CA Secret; null with the reason when unusable.</summary>
    public static (SigningAuthority? Authority, string? Error) Load(string? certificatePem, string? keyPem, string? caPem)
    {
        if (string.IsNullOrEmpty(certificatePem) || string.IsNullOrEmpty(keyPem))
        {
            return (null, "the Secret has no tls.crt and tls.key");
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                certificate.Dispose();
                return (null, "the certificate in tls.crt is not a CA");
            }

            return (new SigningAuthority(certificate, certificatePem, string.IsNullOrEmpty(caPem) ? certificatePem : caPem), null);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            return (null, $"tls.crt/tls.key do not hold a matching certificate and key: {e.Message}");
        }
    }

    /// <summary>True when the CA certificate is a self-signed root (then issued chains stop at the leaf).</summary>
    public bool IsRoot => Certificate.SubjectName.RawData.AsSpan().SequenceEqual(Certificate.IssuerName.RawData);

    public void Dispose() => Certificate.Dispose();
}
