using System.Net;
using System.Security.Cryptography.X509Certificates;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

[Trait("Category", "Unit")]
public sealed class LocalCertificateAuthorityTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sf-ca-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Saved_CA_loads_back_and_issues_certificates_that_chain_to_it()
    {
        using (var created = LocalCertificateAuthority.Create("local.fleet", TimeSpan.FromDays(365)))
        {
            created.Save(_directory.FullName);
        }

        using var loaded = LocalCertificateAuthority.Load(_directory.FullName);
        var issued = loaded.Issue(new LeafCertificateRequest(new FleetIdentity("local.fleet", FleetRole.Node, "node-0"), TimeSpan.FromDays(1)));
        using var material = issued.ToTlsMaterial();

        Assert.Equal("local.fleet", loaded.TrustDomain);
        Assert.Equal(FleetRole.Node, material.Identity.Role);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Private_keys_are_written_readable_by_the_owner_only()
    {
        using var authority = LocalCertificateAuthority.Create("local.fleet", TimeSpan.FromDays(1));
        authority.Save(_directory.FullName);
        authority.Issue(new LeafCertificateRequest(new FleetIdentity("local.fleet", FleetRole.Client, "me"), TimeSpan.FromDays(1)))
            .WriteTo(Path.Combine(_directory.FullName, "client"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory.FullName, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory.FullName, "client", "tls.key")));
        Assert.Empty(Directory.GetFiles(_directory.FullName, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Node_certificate_carries_identity_names_addresses_and_both_key_usages()
    {
        using var authority = LocalCertificateAuthority.Create("local.fleet", TimeSpan.FromDays(1));
        var issued = authority.Issue(new LeafCertificateRequest(new FleetIdentity("local.fleet", FleetRole.Node, "node-1"), TimeSpan.FromHours(1))
        {
            DnsNames = ["*.nodes.ns.svc"],
            IpAddresses = [IPAddress.Parse("10.42.0.7")],
            IncludeLoopback = true,
        });
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["*.nodes.ns.svc", "localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.42.0.7"), IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        Assert.Equal(new FleetIdentity("local.fleet", FleetRole.Node, "node-1"), FleetIdentity.FromCertificate(certificate));
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"], usages);
        Assert.True(certificate.NotAfter - certificate.NotBefore <= TimeSpan.FromHours(1));
    }

    [Fact]
    public void Client_certificate_cannot_serve()
    {
        using var authority = LocalCertificateAuthority.Create("local.fleet", TimeSpan.FromDays(1));
        var issued = authority.Issue(new LeafCertificateRequest(new FleetIdentity("local.fleet", FleetRole.Client, "c"), TimeSpan.FromHours(1)));
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], usages);
    }

    [Fact]
    public void Leaf_never_outlives_its_CA()
    {
        using var authority = LocalCertificateAuthority.Create("local.fleet", TimeSpan.FromDays(1));
        var issued = authority.Issue(new LeafCertificateRequest(new FleetIdentity("local.fleet", FleetRole.Client, "c"), TimeSpan.FromDays(365)));
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

        Assert.True(certificate.NotAfter <= authority.Certificate.NotAfter);
    }

    [Fact]
    public void Identity_of_another_trust_domain_is_refused()
    {
        using var authority = LocalCertificateAuthority.Create("local.fleet", TimeSpan.FromDays(1));

        Assert.Throws<ArgumentException>(() => authority.Issue(new LeafCertificateRequest(new FleetIdentity("other", FleetRole.Client, "c"), TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Loading_from_an_empty_directory_names_the_missing_file()
    {
        var error = Assert.Throws<TlsMaterialException>(() => LocalCertificateAuthority.Load(_directory.FullName));

        Assert.Contains(Path.Combine(_directory.FullName, "ca.crt"), error.Message, StringComparison.Ordinal);
    }
}
