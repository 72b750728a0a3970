using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Issues the X.509 certificate a Certificate asks for: key (RSA or ECDSA, size, PKCS1/SEC1 or PKCS8 encoding),
/// subject, SANs (DNS, IP, URI, e-mail), key usages and extended key usages, CA flag, lifetime; self-signed or
/// signed by a CA Issuer's key pair.
/// </summary>
internal static class CertificateSigner
{
    public static (IssuedCertificate? Issued, string? Error) Issue(CertificateSpec spec, SigningAuthority? authority, DateTimeOffset now)
    {
        using AsymmetricAlgorithm? key = spec.KeyAlgorithm switch
        {
            "ECDSA" => ECDsa.Create(spec.KeySize switch
            {
                384 => ECCurve.NamedCurves.nistP384,
                521 => ECCurve.NamedCurves.nistP521,
                _ => ECCurve.NamedCurves.nistP256,
            }),
            "RSA" => RSA.Create(spec.KeySize),
            _ => null,
        };
        if (key is null)
        {
            return (null, $"private key algorithm {spec.KeyAlgorithm} is not supported by the emulated cert-manager (RSA, ECDSA)");
        }

        var request = key is RSA rsa
            ? new CertificateRequest(Subject(spec), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(Subject(spec), (ECDsa)key, HashAlgorithmName.SHA256);
        AddExtensions(request, spec, authority);
        var notBefore = now.AddMinutes(-1);
        var notAfter = now + spec.Duration;
        if (authority is not null && notAfter > authority.Certificate.NotAfter)
        {
            notAfter = authority.Certificate.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] &= 0x7f;
        using var certificate = authority is null
            ? request.Create(request.SubjectName, Generator(key), notBefore, notAfter, serial)
            : request.Create(authority.Certificate.SubjectName, Generator(SigningKey(authority.Certificate)), notBefore, notAfter, serial);
        var keyPem = (key, spec.KeyEncoding) switch
        {
            (_, "PKCS8") => key.ExportPkcs8PrivateKeyPem(),
            (RSA r, _) => r.ExportRSAPrivateKeyPem(),
            (ECDsa e, _) => e.ExportECPrivateKeyPem(),
            _ => key.ExportPkcs8PrivateKeyPem(),
        };
        var leafPem = certificate.ExportCertificatePem() + "\n";
        var chainPem = authority is null || authority.IsRoot ? leafPem : leafPem + authority.CertificatePem;
        var caPem = authority is null ? leafPem : authority.CaPem;
        return (new IssuedCertificate(chainPem, keyPem + "\n", caPem, notBefore, notAfter), null);
    }

    private static X500DistinguishedName Subject(CertificateSpec spec)
    {
        var subject = new X500DistinguishedNameBuilder();
        foreach (var organization in spec.Organizations)
        {
            subject.AddOrganizationName(organization);
        }

        if (!string.IsNullOrEmpty(spec.CommonName))
        {
            subject.AddCommonName(spec.CommonName);
        }

        return subject.Build();
    }

    private static void AddExtensions(CertificateRequest request, CertificateSpec spec, SigningAuthority? authority)
    {
        var usages = X509KeyUsageFlags.None;
        var extended = new OidCollection();
        foreach (var usage in spec.Usages)
        {
            usages |= usage switch
            {
                "digital signature" => X509KeyUsageFlags.DigitalSignature,
                "key encipherment" => X509KeyUsageFlags.KeyEncipherment,
                "cert sign" => X509KeyUsageFlags.KeyCertSign,
                "crl sign" => X509KeyUsageFlags.CrlSign,
                "content commitment" => X509KeyUsageFlags.NonRepudiation,
                "key agreement" => X509KeyUsageFlags.KeyAgreement,
                "data encipherment" => X509KeyUsageFlags.DataEncipherment,
                _ => X509KeyUsageFlags.None,
            };
            var oid = usage switch
            {
                "server auth" => "1.3.6.1.5.5.7.3.1",
                "client auth" => "1.3.6.1.5.5.7.3.2",
                "code signing" => "1.3.6.1.5.5.7.3.3",
                "email protection" => "1.3.6.1.5.5.7.3.4",
                "timestamping" => "1.3.6.1.5.5.7.3.8",
                "ocsp signing" => "1.3.6.1.5.5.7.3.9",
                _ => null,
            };
            if (oid is not null)
            {
                extended.Add(new Oid(oid));
            }
        }

        if (spec.IsCa)
        {
            usages |= X509KeyUsageFlags.KeyCertSign;
        }

        // A TLS key always signs; with only extended usages listed, cert-manager still sets digital signature.
        usages |= X509KeyUsageFlags.DigitalSignature;

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(spec.IsCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usages, true));
        if (extended.Count > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(extended, false));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (authority is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Certificate, true, false));
        }

        var sans = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dns in spec.DnsNames)
        {
            sans.AddDnsName(dns);
            any = true;
        }

        foreach (var ip in spec.IpAddresses)
        {
            sans.AddIpAddress(IPAddress.Parse(ip));
            any = true;
        }

        foreach (var uri in spec.Uris)
        {
            sans.AddUri(new Uri(uri));
            any = true;
        }

        foreach (var email in spec.EmailAddresses)
        {
            sans.AddEmailAddress(email);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(sans.Build(critical: string.IsNullOrEmpty(spec.CommonName) && spec.Organizations.Count == 0));
        }
    }

    private static AsymmetricAlgorithm SigningKey(X509Certificate2 certificate) =>
        (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
        ?? throw new InvalidOperationException("The CA certificate has no ECDSA or RSA private key.");

    private static X509SignatureGenerator Generator(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("Only ECDSA and RSA keys sign here."),
    };
}
