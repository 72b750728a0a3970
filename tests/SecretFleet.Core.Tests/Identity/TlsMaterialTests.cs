using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

[Trait("Category", "Unit")]
public sealed class TlsMaterialTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sf-tls-");

    public void Dispose()
    {
        _pki.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void Material_written_by_the_local_CA_loads_from_a_secret_shaped_directory()
    {
        _pki.WriteClientFiles(_directory.FullName, FleetRole.Client, "bob");

        using var material = TlsMaterial.LoadFromDirectory(_directory.FullName);

        Assert.Equal("spiffe://fleet.test/client/bob", material.Identity.ToString());
        Assert.True(material.Certificate.HasPrivateKey);
        Assert.Equal(_pki.Authority.Certificate.Thumbprint, material.CertificateAuthority.Thumbprint);
    }

    [Fact]
    public void Missing_file_is_named_in_the_error()
    {
        _pki.WriteClientFiles(_directory.FullName, FleetRole.Client, "bob");
        File.Delete(Path.Combine(_directory.FullName, "ca.crt"));

        var error = Assert.Throws<TlsMaterialException>(() => TlsMaterial.LoadFromDirectory(_directory.FullName));

        Assert.Contains(Path.Combine(_directory.FullName, "ca.crt"), error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_that_is_not_PEM_is_named_in_the_error()
    {
        _pki.WriteClientFiles(_directory.FullName, FleetRole.Client, "bob");
        var certificate = Path.Combine(_directory.FullName, "tls.crt");
        File.WriteAllText(certificate, "this is not a certificate");

        var error = Assert.Throws<TlsMaterialException>(() => TlsMaterial.LoadFromDirectory(_directory.FullName));

        Assert.Contains(certificate, error.Message, StringComparison.Ordinal);
        Assert.Contains("no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_file_without_a_key_is_named_in_the_error()
    {
        _pki.WriteClientFiles(_directory.FullName, FleetRole.Client, "bob");
        var key = Path.Combine(_directory.FullName, "tls.key");
        File.WriteAllText(key, "garbage");

        var error = Assert.Throws<TlsMaterialException>(() => TlsMaterial.LoadFromDirectory(_directory.FullName));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_of_another_certificate_is_refused()
    {
        _pki.WriteClientFiles(_directory.FullName, FleetRole.Client, "bob");
        var other = _pki.Authority.Issue(new LeafCertificateRequest(new FleetIdentity(TestPki.TrustDomain, FleetRole.Client, "carol"), TimeSpan.FromDays(1))
        {
            NotBefore = DateTimeOffset.UtcNow.AddMinutes(-1),
        });
        File.WriteAllText(Path.Combine(_directory.FullName, "tls.key"), other.PrivateKeyPem);

        var error = Assert.Throws<TlsMaterialException>(() => TlsMaterial.LoadFromDirectory(_directory.FullName));

        Assert.Contains("does not belong to the certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_certificate_is_refused_with_its_expiry_date()
    {
        var issued = _pki.Authority.Issue(new LeafCertificateRequest(new FleetIdentity(TestPki.TrustDomain, FleetRole.Node, "old"), TimeSpan.FromDays(1))
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-2),
        });

        var error = Assert.Throws<TlsMaterialException>(() => issued.ToTlsMaterial());

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Assert.Contains("renew", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_from_another_CA_is_refused()
    {
        using var other = LocalCertificateAuthority.Create(TestPki.TrustDomain, TimeSpan.FromDays(1));
        var issued = other.Issue(new LeafCertificateRequest(new FleetIdentity(TestPki.TrustDomain, FleetRole.Client, "x"), TimeSpan.FromDays(1)));

        var error = Assert.Throws<TlsMaterialException>(() => TlsMaterial.FromPem(issued.CertificatePem, issued.PrivateKeyPem, _pki.Authority.CertificatePem));

        Assert.Contains("does not chain to the CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leaf_given_as_the_CA_is_refused()
    {
        var issued = _pki.Authority.Issue(new LeafCertificateRequest(new FleetIdentity(TestPki.TrustDomain, FleetRole.Client, "x"), TimeSpan.FromDays(1))
        {
            NotBefore = DateTimeOffset.UtcNow.AddMinutes(-1),
        });

        var error = Assert.Throws<TlsMaterialException>(() => TlsMaterial.FromPem(issued.CertificatePem, issued.PrivateKeyPem, issued.CertificatePem));

        Assert.Contains("not a CA certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issued_certificate_never_prints_its_private_key()
    {
        var issued = _pki.Authority.Issue(new LeafCertificateRequest(new FleetIdentity(TestPki.TrustDomain, FleetRole.Client, "x"), TimeSpan.FromDays(1)));

        Assert.DoesNotContain("PRIVATE KEY", issued.ToString(), StringComparison.Ordinal);
    }
}
