using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Kube.Tests.SecretClusters;

[Trait("Category", "Unit")]
public sealed class ChildNamesTests
{
    private static readonly ChildNames Demo = new("vault", "demo");

    [Fact]
    public void Each_node_has_its_own_identity_name_certificate_and_Secrets_named_after_its_pod()
    {
        Assert.Equal(["demo-0", "demo-1", "demo-2"], Enumerable.Range(0, 3).Select(Demo.NodeIdentityName));
        Assert.Equal(Demo.Pod(4), Demo.NodeIdentityName(4));
        Assert.Equal(("demo-node-1", "demo-node-1-tls", "demo-node-1-key", "data-demo-1"),
            (Demo.NodeCertificate(1), Demo.NodeTlsSecret(1), Demo.NodeKeySecret(1), Demo.DataClaim(1)));
        Assert.Equal(["demo-1.demo-nodes.vault.svc", "demo-1.demo-nodes.vault.svc.cluster.local"], Demo.PodDnsNames(1));
        Assert.Equal(Demo.PodTlsName(1), Demo.PodDnsNames(1)[0]);
    }

    [Fact]
    public void The_fleet_wide_children_have_fixed_names()
    {
        Assert.Equal(("demo-nodes", "demo", "demo-nodes"), (Demo.Service, Demo.PodDisruptionBudget, Demo.NetworkPolicy));
    }

    [Fact]
    public void The_shared_names_of_older_fleets_differ_from_every_per_node_name()
    {
        var perNode = Enumerable.Range(0, 10).SelectMany(o => new[] { Demo.NodeCertificate(o), Demo.NodeTlsSecret(o), Demo.NodeKeySecret(o), Demo.NodeIdentityName(o) }).ToHashSet();

        Assert.DoesNotContain(Demo.LegacyNodeCertificate, perNode);
        Assert.DoesNotContain(Demo.LegacyNodeTlsSecret, perNode);
        Assert.DoesNotContain(Demo.LegacyNodeKeysSecret, perNode);
        Assert.DoesNotContain(Demo.LegacyNodeIdentityName, perNode);
        Assert.Equal(("demo", "demo-node", "demo-node-tls", "demo-node-keys", "node-3.key"),
            (Demo.LegacyStatefulSet, Demo.LegacyNodeCertificate, Demo.LegacyNodeTlsSecret, Demo.LegacyNodeKeysSecret, ChildNames.LegacyNodeKeyFile(3)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(254)]
    public void Ordinals_read_back_from_every_per_node_name(int ordinal)
    {
        Assert.Equal(ordinal, Demo.PodOrdinal(Demo.Pod(ordinal)));
        Assert.Equal(ordinal, Demo.ClaimOrdinal(Demo.DataClaim(ordinal)));
        Assert.Equal(ordinal, Demo.NodeCertificateOrdinal(Demo.NodeCertificate(ordinal)));
        Assert.Equal(ordinal, Demo.NodeKeySecretOrdinal(Demo.NodeKeySecret(ordinal)));
        Assert.Equal(ordinal, ChildNames.LegacyKeyFileOrdinal(ChildNames.LegacyNodeKeyFile(ordinal)));
    }

    [Theory]
    [InlineData("demo-node")]
    [InlineData("demo-node-tls")]
    [InlineData("demo-node-1-tls")]
    [InlineData("demo-node-keys")]
    [InlineData("demo-node-+1")]
    [InlineData("other-node-1")]
    public void Names_that_are_not_a_node_certificate_have_no_ordinal(string name) => Assert.Null(Demo.NodeCertificateOrdinal(name));

    [Theory]
    [InlineData("demo-node-1-tls")]
    [InlineData("demo-node-keys")]
    [InlineData("demo-node-key")]
    [InlineData("other-node-1-key")]
    public void Names_that_are_not_a_node_key_Secret_have_no_ordinal(string name) => Assert.Null(Demo.NodeKeySecretOrdinal(name));
}
