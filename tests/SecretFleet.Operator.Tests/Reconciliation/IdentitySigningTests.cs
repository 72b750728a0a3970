using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Tests.Reconciliation;

/// <summary>
/// The operator signs every identity of a fleet with the fleet's CA, and no cert-manager Issuer does: the attacker
/// here may create cert-manager objects in the fleet's namespace, and must never obtain a node's identity.
/// </summary>
[Trait("Category", "Unit")]
public sealed class IdentitySigningTests : IAsyncLifetime
{
    private readonly ReconcilerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Every_identity_is_signed_by_the_fleet_CA_and_no_Issuer_signs_with_it()
    {
        await FormAsync();

        Assert.Equal(["demo-selfsigned"], Names(KubeResources.Issuers));
        Assert.Equal(["demo-ca"], Names(KubeResources.Certificates));
        using var ca = Certificate("demo-ca");
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            using var leaf = Certificate($"demo-node-{ordinal}-tls");
            Assert.Equal(ChildNames.NodeIdentity(_h.Cluster, ordinal), FleetIdentity.FromCertificate(leaf));
            Assert.True(ChainsTo(leaf, ca), $"node {ordinal}'s certificate does not chain to the fleet CA");
            Assert.True(leaf.NotAfter - leaf.NotBefore <= TimeSpan.FromHours(24));
        }

        var protection = _h.Condition(Conditions.IdentitiesProtected)!;
        Assert.True(protection.IsTrue);
        Assert.Equal(Conditions.Reasons.OperatorSigns, protection.Reason);
    }

    [Fact]
    public async Task An_Issuer_someone_else_points_at_the_fleet_CA_is_named_in_the_condition()
    {
        await FormAsync();
        _h.Api.Seed(new Issuer { Metadata = new V1ObjectMeta { Name = "sneaky", NamespaceProperty = "vault" }, Spec = new IssuerSpec { Ca = new CaIssuer { SecretName = "demo-ca" } } });

        await _h.ReconcileAsync();

        var protection = _h.Condition(Conditions.IdentitiesProtected)!;
        Assert.False(protection.IsTrue);
        Assert.Equal(Conditions.Reasons.CertificateAuthorityExposed, protection.Reason);
        Assert.StartsWith("Issuer sneaky signs with this fleet's CA", protection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CA_Issuer_and_leaf_Certificates_of_an_older_operator_are_retired_and_their_Secrets_kept()
    {
        await FormAsync();
        var labels = new Dictionary<string, string> { [LabelsAndAnnotations.Cluster] = "demo" };
        _h.Api.Seed(new Issuer { Metadata = new V1ObjectMeta { Name = "demo-ca", NamespaceProperty = "vault", Labels = labels }, Spec = new IssuerSpec { Ca = new CaIssuer { SecretName = "demo-ca" } } });
        _h.Api.Seed(new Certificate { Metadata = new V1ObjectMeta { Name = "demo-node-0", NamespaceProperty = "vault", Labels = labels }, Spec = new CertificateSpec { SecretName = "demo-node-0-tls" } });
        var before = Serial("demo-node-0-tls");

        await _h.ReconcileAsync();

        Assert.Equal(["demo-selfsigned"], Names(KubeResources.Issuers));
        Assert.Equal(["demo-ca"], Names(KubeResources.Certificates));
        Assert.Equal(before, Serial("demo-node-0-tls"));
        Assert.True(_h.Condition(Conditions.IdentitiesProtected)!.IsTrue);
    }

    [Fact]
    public async Task A_Secret_holding_another_nodes_identity_is_signed_again_for_its_own()
    {
        await FormAsync();
        var other = _h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-1-tls")!;
        _h.Api.Seed(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "demo-node-0-tls", NamespaceProperty = "vault", Labels = new Dictionary<string, string> { [LabelsAndAnnotations.Cluster] = "demo" } },
            Type = "kubernetes.io/tls",
            Data = other["data"]!.AsObject().ToDictionary(d => d.Key, d => Convert.FromBase64String((string)d.Value!)),
        });

        await _h.ReconcileAsync();

        using var leaf = Certificate("demo-node-0-tls");
        Assert.Equal(ChildNames.NodeIdentity(_h.Cluster, 0), FleetIdentity.FromCertificate(leaf));
    }

    [Fact]
    public async Task Certificates_are_renewed_at_two_thirds_of_their_life()
    {
        await FormAsync();
        var first = Serial("demo-node-2-tls");

        _h.Time.Advance(TimeSpan.FromHours(15));
        await _h.ReconcileAsync();
        Assert.Equal(first, Serial("demo-node-2-tls"));

        _h.Time.Advance(TimeSpan.FromHours(1));
        await _h.ReconcileAsync();

        Assert.NotEqual(first, Serial("demo-node-2-tls"));
        using var renewed = Certificate("demo-node-2-tls");
        Assert.True(renewed.NotAfter.ToUniversalTime() > _h.Time.GetUtcNow().UtcDateTime.AddHours(23));
    }

    private async Task FormAsync()
    {
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1, 2);
        await _h.ReconcileUntilIdleAsync();
    }

    private X509Certificate2 Certificate(string secret) =>
        X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(Convert.FromBase64String((string)_h.Api.Raw(KubeResources.Secrets, "vault", secret)!["data"]!["tls.crt"]!)));

    private string Serial(string secret)
    {
        using var certificate = Certificate(secret);
        return certificate.SerialNumber;
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = leaf.NotBefore.AddMinutes(10);
        return chain.Build(leaf);
    }

    private List<string> Names(KubeResource resource) => [.. _h.Api.All(resource).Select(o => (string)o["metadata"]!["name"]!).Order()];
}
