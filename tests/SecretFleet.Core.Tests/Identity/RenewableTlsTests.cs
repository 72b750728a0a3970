using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

[Trait("Category", "Unit")]
public sealed class RenewableTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LocalCertificateAuthority _authority = LocalCertificateAuthority.Create("fleet.test", TimeSpan.FromDays(1));

    private IssuedCertificate Issue(string name, LocalCertificateAuthority? authority = null) =>
        (authority ?? _authority).Issue(new LeafCertificateRequest(new FleetIdentity((authority ?? _authority).TrustDomain, FleetRole.Node, name), TimeSpan.FromDays(1)));

    private RenewableTls Start()
    {
        Issue("node-0").WriteTo(_dir.Path);
        return new RenewableTls(_dir.Path, TlsMaterial.LoadFromDirectory(_dir.Path));
    }

    [Fact]
    public void A_renewed_certificate_of_the_same_identity_becomes_current_once()
    {
        using var tls = Start();
        var first = tls.Current;
        TlsMaterial? announced = null;
        tls.Renewed += material => announced = material;

        Assert.False(tls.Reload());
        Issue("node-0").WriteTo(_dir.Path);
        Assert.True(tls.Reload());

        Assert.NotSame(first, tls.Current);
        Assert.Same(tls.Current, announced);
        Assert.NotEqual(first.Certificate.Thumbprint, tls.Current.Certificate.Thumbprint);
        Assert.Equal(first.Identity, tls.Current.Identity);
        Assert.False(tls.Reload());
    }

    [Fact]
    public void Another_identity_or_another_CA_is_refused_and_the_current_material_stays()
    {
        using var tls = Start();
        var first = tls.Current;
        using var stranger = LocalCertificateAuthority.Create("fleet.test", TimeSpan.FromDays(1));

        Issue("node-1").WriteTo(_dir.Path);
        var identity = Assert.Throws<TlsMaterialException>(() => tls.Reload());
        Issue("node-0", stranger).WriteTo(_dir.Path);
        var authority = Assert.Throws<TlsMaterialException>(() => tls.Reload());

        Assert.Contains("is for spiffe://fleet.test/node/node-1, not spiffe://fleet.test/node/node-0", identity.Message, StringComparison.Ordinal);
        Assert.Contains("another CA", authority.Message, StringComparison.Ordinal);
        Assert.Same(first, tls.Current);
    }

    [Fact]
    public void A_half_written_renewal_is_refused_until_it_is_whole()
    {
        using var tls = Start();
        var first = tls.Current;
        var renewed = Issue("node-0");

        File.WriteAllText(Path.Combine(_dir.Path, TlsMaterial.CertificateFileName), renewed.CertificatePem);
        Assert.Throws<TlsMaterialException>(() => tls.Reload());
        Assert.Same(first, tls.Current);
        renewed.WriteTo(_dir.Path);

        Assert.True(tls.Reload());
    }

    public void Dispose()
    {
        _authority.Dispose();
        _dir.Dispose();
    }
}
