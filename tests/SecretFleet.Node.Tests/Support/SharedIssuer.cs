using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// An issuer shared by several fleets, as a cert-manager ClusterIssuer is: it signs any identity
/// with the fleet CA's key, whatever the trust domain. Our local CA refuses that; an attacker's
/// cluster issuer would not.
/// </summary>
internal static class SharedIssuer
{
    public static X509Certificate2 Issue(LocalCertificateAuthority authority, FleetIdentity identity)
    {
        using var directory = new TempDirectory();
        authority.Save(directory.Path);
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(directory.Combine(LocalCertificateAuthority.PrivateKeyFileName)));
        using var ca = authority.Certificate.CopyWithPrivateKey(caKey);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={identity.Name}", leafKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(identity.ToUri());
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), serial);
        return X509Certificate2.CreateFromPem(leaf.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem());
    }
}
