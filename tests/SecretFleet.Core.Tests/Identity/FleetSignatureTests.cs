using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

/// <summary>A statement signed by one node, checked by another that holds only the cluster CA.</summary>
[Trait("Category", "Unit")]
public sealed class FleetSignatureTests : IDisposable
{
    private static readonly byte[] Statement = "batch 7: digests a, b, c"u8.ToArray();
    private readonly TestPki _pki = new();

    private FleetSignatureVerifier Verifier() => new(_pki.Node("checker"), TimeProvider.System);

    private static (byte[] Certificate, byte[] Signature) Sign(TlsMaterial material, byte[] statement)
    {
        using var signer = new FleetSigner(material);
        return (signer.Certificate, signer.Sign(statement));
    }

    [Fact]
    public void A_signature_verifies_for_its_signer_and_statement_only()
    {
        var alice = _pki.Node("node-1");
        var (certificate, signature) = Sign(alice, Statement);
        using var verifier = Verifier();

        Assert.True(verifier.Verify(certificate, alice.Identity.ToString(), Statement, signature));
        Assert.False(verifier.Verify(certificate, new FleetIdentity(TestPki.TrustDomain, FleetRole.Node, "node-2").ToString(), Statement, signature));
        var altered = (byte[])Statement.Clone();
        altered[^1] ^= 0x01;
        Assert.False(verifier.Verify(certificate, alice.Identity.ToString(), altered, signature));
        var forged = (byte[])signature.Clone();
        forged[10] ^= 0x01;
        Assert.False(verifier.Verify(certificate, alice.Identity.ToString(), Statement, forged));
    }

    [Fact]
    public void A_node_cannot_sign_in_another_nodes_name_with_its_own_certificate()
    {
        var mallory = _pki.Node("node-3");
        var (certificate, signature) = Sign(mallory, Statement);
        using var verifier = Verifier();

        Assert.False(verifier.Verify(certificate, new FleetIdentity(TestPki.TrustDomain, FleetRole.Node, "node-1").ToString(), Statement, signature));
    }

    [Fact]
    public void A_certificate_from_another_CA_with_the_same_identity_is_refused()
    {
        using var foreign = LocalCertificateAuthority.Create(TestPki.TrustDomain, TimeSpan.FromDays(1));
        using var impostor = foreign.Issue(new LeafCertificateRequest(new FleetIdentity(TestPki.TrustDomain, FleetRole.Node, "node-1"), TimeSpan.FromDays(1))).ToTlsMaterial();
        var (certificate, signature) = Sign(impostor, Statement);
        using var verifier = Verifier();

        Assert.False(verifier.Verify(certificate, impostor.Identity.ToString(), Statement, signature));
        Assert.False(verifier.Verify([1, 2, 3], impostor.Identity.ToString(), Statement, signature));
    }

    [Fact]
    public void An_RSA_key_signs_and_verifies_as_cert_managers_default_keys_must()
    {
        var rsa = _pki.RsaNode("node-4");
        var (certificate, signature) = Sign(rsa, Statement);
        using var verifier = Verifier();

        Assert.True(verifier.Verify(certificate, rsa.Identity.ToString(), Statement, signature));
        Assert.False(verifier.Verify(certificate, rsa.Identity.ToString(), [.. Statement, 0], signature));
    }

    public void Dispose() => _pki.Dispose();
}
