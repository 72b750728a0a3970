using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

/// <summary>
/// A CA and the certificates the tests need, good and bad. Disposing it disposes every
/// material it handed out.
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string TrustDomain = "fleet.test";
    public const string NodeDnsName = "node-0.nodes.test.svc";

    private readonly List<IDisposable> _owned = [];

    public TestPki()
    {
        // Backdated, so it can also issue certificates that have already expired.
        Authority = LocalCertificateAuthority.Create(TrustDomain, TimeSpan.FromDays(30), new ShiftedTimeProvider(TimeSpan.FromDays(-3)));
        _owned.Add(Authority);
    }

    public LocalCertificateAuthority Authority { get; }

    public TlsMaterial Node(string name = "node-0") => Issue(Authority, FleetRole.Node, name);

    public TlsMaterial Client(string name = "alice") => Issue(Authority, FleetRole.Client, name);

    public TlsMaterial Operator(string name = "operator") => Issue(Authority, FleetRole.Operator, name);

    /// <summary>A client certificate valid for the loopback names (so only its key usage keeps it from serving).</summary>
    public TlsMaterial ClientWithLoopbackNames(string name) =>
        Own(Authority.Issue(Request(FleetRole.Client, name) with { IncludeLoopback = true }).ToTlsMaterial());

    /// <summary>A client certificate from a different CA with the same trust domain name.</summary>
    public TlsMaterial ForeignClient()
    {
        var foreign = LocalCertificateAuthority.Create(TrustDomain, TimeSpan.FromDays(30));
        _owned.Add(foreign);
        var material = Issue(foreign, FleetRole.Client, "mallory");
        // It must trust our CA to get as far as presenting its certificate.
        return Own(TlsMaterial.CreateUnchecked(material.Certificate, Authority.Certificate, material.Identity));
    }

    /// <summary>A client certificate from our CA that expired yesterday.</summary>
    public TlsMaterial ExpiredClient()
    {
        var issued = Authority.Issue(new LeafCertificateRequest(new FleetIdentity(TrustDomain, FleetRole.Client, "late"), TimeSpan.FromDays(1))
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-2),
        });
        var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
        return Own(TlsMaterial.CreateUnchecked(certificate, Authority.Certificate, issued.Identity));
    }

    /// <summary>A client certificate from our CA with no spiffe:// URI SAN.</summary>
    public TlsMaterial AnonymousClient() => Handmade("anonymous", "1.3.6.1.5.5.7.3.2");

    /// <summary>A certificate from our CA whose only extended key usage is serverAuth.</summary>
    public TlsMaterial ServerOnlyCertificate() => Handmade("server-only", "1.3.6.1.5.5.7.3.1");

    /// <summary>A client certificate from our CA without an extended key usage extension (cert-manager's default).</summary>
    public TlsMaterial NoUsageClient() => Handmade("no-usage", usage: null);

    /// <summary>A node certificate from our CA with an RSA key, as cert-manager issues by default.</summary>
    public TlsMaterial RsaNode(string name)
    {
        using var key = RSA.Create(2048);
        var identity = new FleetIdentity(TrustDomain, FleetRole.Node, name);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(identity.ToUri());
        request.CertificateExtensions.Add(san.Build());
        using var caWithKey = LoadAuthorityWithKey();
        using var caKey = caWithKey.GetECDsaPrivateKey()!;
        // An ECDSA CA signing an RSA key: the generator overload, since the key algorithms differ.
        using var issued = request.Create(caWithKey.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey),
            DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [5, 6, 7, 8]);
        return Own(TlsMaterial.CreateUnchecked(issued.CopyWithPrivateKey(key), Authority.Certificate, identity));
    }

    private TlsMaterial Handmade(string commonName, string? usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        if (usage is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        }

        using var caWithKey = LoadAuthorityWithKey();
        using var issued = request.Create(caWithKey, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        var certificate = issued.CopyWithPrivateKey(key);
        // The identity argument is only a placeholder for the client side; the server reads the certificate.
        return Own(TlsMaterial.CreateUnchecked(certificate, Authority.Certificate, new FleetIdentity(TrustDomain, FleetRole.Client, commonName)));
    }

    /// <summary>Writes a leaf's tls.crt/tls.key/ca.crt into a directory (for the interop clients).</summary>
    public string WriteClientFiles(string directory, FleetRole role, string name)
    {
        Authority.Issue(Request(role, name)).WriteTo(directory);
        return directory;
    }

    public void Dispose()
    {
        foreach (var item in _owned)
        {
            item.Dispose();
        }
    }

    private static LeafCertificateRequest Request(FleetRole role, string name) =>
        new(new FleetIdentity(TrustDomain, role, name), TimeSpan.FromDays(1))
        {
            DnsNames = role == FleetRole.Node ? [NodeDnsName] : [],
            IncludeLoopback = role == FleetRole.Node,
            NotBefore = DateTimeOffset.UtcNow.AddMinutes(-5), // the CA's own clock is backdated
        };

    private TlsMaterial Issue(LocalCertificateAuthority authority, FleetRole role, string name) =>
        Own(authority.Issue(Request(role, name)).ToTlsMaterial());

    private X509Certificate2 LoadAuthorityWithKey()
    {
        var directory = Directory.CreateTempSubdirectory("sf-ca-");
        try
        {
            Authority.Save(directory.FullName);
            return X509Certificate2.CreateFromPemFile(
                Path.Combine(directory.FullName, LocalCertificateAuthority.CertificateFileName),
                Path.Combine(directory.FullName, LocalCertificateAuthority.PrivateKeyFileName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The system clock moved by a fixed offset.</summary>
    internal sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
    }

    private TlsMaterial Own(TlsMaterial material)
    {
        _owned.Add(material);
        return material;
    }
}
