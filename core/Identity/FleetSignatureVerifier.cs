using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Core.Identity;

/// <summary>
/// Checks a <see cref="FleetSigner"/> signature: the certificate must chain to the cluster CA now
/// and carry exactly the expected identity, and the signature must be its key's over the
/// statement. Chains are built once per distinct certificate (an operation sees one per node),
/// against the CA and intermediates of <paramref name="trust"/>, as a TLS handshake's would be.
/// </summary>
public sealed class FleetSignatureVerifier(TlsMaterial trust, TimeProvider time) : IDisposable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Signer?> _checked = [];

    /// <summary>True when <paramref name="signature"/> is <paramref name="expectedIdentity"/>'s, made with the key of <paramref name="certificate"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> certificate, string expectedIdentity, ReadOnlySpan<byte> statement, ReadOnlySpan<byte> signature)
    {
        lock (_sync)
        {
            var signer = Check(certificate);
            return signer is not null && signer.Identity == expectedIdentity && signer.Verifies(statement, signature);
        }
    }

    private Signer? Check(ReadOnlySpan<byte> der)
    {
        var key = Convert.ToBase64String(SHA256.HashData(der));
        if (_checked.TryGetValue(key, out var known))
        {
            return known;
        }
        var signer = Load(der);
        _checked[key] = signer;
        return signer;
    }

    private Signer? Load(ReadOnlySpan<byte> der)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
        using (certificate)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trust.CertificateAuthority);
            chain.ChainPolicy.ExtraStore.AddRange(trust.Intermediates);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            var identity = FleetIdentity.FromCertificate(certificate);
            if (identity is null || !chain.Build(certificate))
            {
                return null;
            }
            var ecdsa = certificate.GetECDsaPublicKey();
            return new Signer(identity.ToString(), ecdsa, ecdsa is null ? certificate.GetRSAPublicKey() : null);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_sync)
        {
            foreach (var signer in _checked.Values)
            {
                signer?.Dispose();
            }
            _checked.Clear();
        }
    }

    private sealed class Signer(string identity, ECDsa? ecdsa, RSA? rsa) : IDisposable
    {
        public string Identity { get; } = identity;

        public bool Verifies(ReadOnlySpan<byte> statement, ReadOnlySpan<byte> signature) =>
            ecdsa?.VerifyData(statement, signature, HashAlgorithmName.SHA256)
            ?? rsa?.VerifyData(statement, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            ?? false;

        public void Dispose()
        {
            ecdsa?.Dispose();
            rsa?.Dispose();
        }
    }
}
