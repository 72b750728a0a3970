using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Load.Etcd;

/// <summary>
/// A throw-away CA for one etcd comparison: one certificate the members use as server and peer
/// (IP 127.0.0.1), and a client certificate for the load tool. Files in PEM, EC keys in the
/// <c>EC PRIVATE KEY</c> form etcd's Go TLS reads.
/// </summary>
internal sealed class EtcdPki : IDisposable
{
    private EtcdPki(string directory, X509Certificate2 authority, X509Certificate2 client)
    {
        Directory = directory;
        Authority = authority;
        Client = client;
    }

    public string Directory { get; }

    public string AuthorityFile => Path.Combine(Directory, "ca.pem");

    public string MemberCertificateFile => Path.Combine(Directory, "member.pem");

    public string MemberKeyFile => Path.Combine(Directory, "member-key.pem");

    /// <summary>The CA certificate (public part) the client trusts as the only root.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The load tool's client certificate, with its key.</summary>
    public X509Certificate2 Client { get; }

    public static EtcdPki Create(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=secretfleet-load etcd CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var memberKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var member = Issue(ca, memberKey, "CN=etcd-member", now, serverToo: true);
        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "member.pem"), member.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "member-key.pem"), memberKey.ExportECPrivateKeyPem());

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = Issue(ca, clientKey, "CN=secretfleet-load", now, serverToo: false);
        // Through PKCS#12 so that SslStream on Linux can use the key.
        var clientWithKey = X509CertificateLoader.LoadPkcs12(client.CopyWithPrivateKey(clientKey).Export(X509ContentType.Pkcs12), null);
        return new EtcdPki(directory, X509CertificateLoader.LoadCertificate(ca.RawData), clientWithKey);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Client.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, ECDsa key, string subject, DateTimeOffset now, bool serverToo)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }; // client auth
        if (serverToo)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server auth: members are servers and peers
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return request.Create(ca, now.AddMinutes(-5), now.AddDays(1), serial);
    }
}
