using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Tests.Support;

namespace SecretFleet.Cli.Tests.Kubernetes;

[Trait("Category", "Unit")]
public sealed class ClusterTopologyTests
{
    [Fact]
    public void Every_ordinal_becomes_a_member_verifying_its_pod_dns_name()
    {
        var cluster = ClusterObjects.Cluster("demo", "vault", replicas: 3, threshold: 2);
        var pods = new[] { ClusterObjects.Pod("demo", "vault", 0, "10.42.0.7"), ClusterObjects.Pod("demo", "vault", 2, "10.42.1.9", ready: false) };

        var nodes = ClusterTopology.Nodes(cluster, pods);
        var view = ClusterTopology.View(cluster, nodes, ClusterTopology.DirectEndpoint);

        Assert.Equal("vault/demo", view.FleetId);
        Assert.Equal(2, view.Threshold);
        Assert.Equal([1, 2, 3], view.Members.Select(m => (int)m.X));
        Assert.Equal(["demo-0.demo-nodes.vault.svc", "demo-1.demo-nodes.vault.svc", "demo-2.demo-nodes.vault.svc"], view.Members.Select(m => m.TlsName));
        Assert.Equal(["spiffe://secretfleet.local/node/demo-0", "spiffe://secretfleet.local/node/demo-1", "spiffe://secretfleet.local/node/demo-2"],
            view.Members.Select(m => m.Identity.ToString()));
        Assert.Equal(new Uri("https://10.42.0.7:7443"), view.Members[0].Endpoint);
        Assert.Equal(".invalid", Path.GetExtension(view.Members[1].Endpoint.Host));
        Assert.False(nodes[2].Ready);
        Assert.Equal(new Uri("http://10.42.1.9:8080/metrics"), ClusterTopology.MetricsEndpoint(nodes[2]));
        Assert.Null(ClusterTopology.MetricsEndpoint(nodes[1]));
    }

    [Fact]
    public void The_fleet_is_dialed_with_the_shape_the_operator_applied_while_the_spec_asks_for_another()
    {
        // The spec asks for 2-of-3; the shares are still 3-of-5 until the operator's resharing commits.
        var cluster = ClusterObjects.Cluster("demo", "vault", replicas: 3, threshold: 2);
        cluster = cluster with { Status = new Kube.SecretClusters.SecretClusterStatus { Replicas = 5, Threshold = 3 } };

        var nodes = ClusterTopology.Nodes(cluster, []);
        var view = ClusterTopology.View(cluster, nodes, ClusterTopology.DirectEndpoint);

        Assert.Equal(3, view.Threshold);
        Assert.Equal([1, 2, 3, 4, 5], view.Members.Select(m => (int)m.X));
    }

    [Fact]
    public void A_terminating_pod_is_not_dialed_and_ipv6_addresses_are_bracketed()
    {
        var cluster = ClusterObjects.Cluster("demo", "ns", replicas: 2, threshold: 1);
        var terminating = ClusterObjects.Pod("demo", "ns", 0, "10.0.0.1");
        terminating = terminating with { Metadata = terminating.Metadata with { DeletionTimestamp = DateTime.UtcNow } };

        var nodes = ClusterTopology.Nodes(cluster, [terminating, ClusterObjects.Pod("demo", "ns", 1, "fd00::5")]);

        Assert.Null(nodes[0].PodIp);
        Assert.Equal("https://[fd00::5]:7443/", ClusterTopology.DirectEndpoint(nodes[1]).ToString());
    }
}
