using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

[Trait("Category", "Unit")]
public sealed class FleetIdentityTests
{
    [Fact]
    public void Identity_formats_as_a_spiffe_uri_and_parses_back()
    {
        var identity = new FleetIdentity("cluster.local", FleetRole.Operator, "secretfleet-operator");

        Assert.Equal("spiffe://cluster.local/operator/secretfleet-operator", identity.ToString());
        Assert.Equal(identity, FleetIdentity.Parse(identity.ToString()));
        Assert.Equal("spiffe", identity.ToUri().Scheme);
    }

    [Theory]
    [InlineData("https://cluster.local/node/a")]
    [InlineData("spiffe://cluster.local/admin/a")]
    [InlineData("spiffe://cluster.local/node")]
    [InlineData("spiffe://cluster.local/node/a/b")]
    [InlineData("spiffe://Cluster.Local/node/a")]
    [InlineData("spiffe://cluster.local/node/..")]
    [InlineData("spiffe://cluster.local/node/a b")]
    [InlineData("spiffe:///node/a")]
    [InlineData("")]
    public void Parse_refuses_what_is_not_a_fleet_identity(string value)
    {
        Assert.False(FleetIdentity.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => FleetIdentity.Parse(value));
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_names_the_invalid_part()
    {
        var error = Assert.Throws<ArgumentException>(() => new FleetIdentity("UPPER", FleetRole.Node, "a"));
        Assert.Equal("trustDomain", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => new FleetIdentity("ok", FleetRole.Node, "a/b"));
        Assert.Equal("name", error.ParamName);
    }

    [Fact]
    public void Valid_identities_round_trip_through_their_string_form()
    {
        var names = ArbMap.Default.GeneratorFor<string>()
            .Select(s => new string((s ?? string.Empty).Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray()))
            .Where(s => s.Length is > 0 and < 60);
        var property = Prop.ForAll(Arb.From(names), ArbMap.Default.ArbFor<FleetRole>(), (name, role) =>
        {
            var identity = new FleetIdentity("fleet.example", role, name);
            return FleetIdentity.Parse(identity.ToString()) == identity;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Fact]
    public void FromCertificate_reads_the_single_spiffe_uri_san()
    {
        using var certificate = SelfSigned("spiffe://fleet.test/node/node-3", "https://example.com/other");

        Assert.Equal(new FleetIdentity("fleet.test", FleetRole.Node, "node-3"), FleetIdentity.FromCertificate(certificate));
    }

    [Fact]
    public void FromCertificate_gives_no_identity_for_two_spiffe_uris_or_none()
    {
        using var two = SelfSigned("spiffe://fleet.test/node/a", "spiffe://fleet.test/client/b");
        using var none = SelfSigned();

        Assert.Null(FleetIdentity.FromCertificate(two));
        Assert.Null(FleetIdentity.FromCertificate(none));
    }

    private static X509Certificate2 SelfSigned(params string[] uris)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("test");
        foreach (var uri in uris)
        {
            san.AddUri(new Uri(uri));
        }

        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
