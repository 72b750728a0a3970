using System.Text.Json;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Specs;

/// <summary>
/// The fleet's NetworkPolicy, judged the way a network plugin reads it (matchLabels selectors, TCP ports): who reaches
/// the node pods on which port. The fleet is demo in vault; the operator runs in secretfleet-system, Prometheus in monitoring.
/// </summary>
[Trait("Category", "Unit")]
public sealed class NetworkPolicySpecTests
{
    private static readonly JsonObject Policy = Build(TestClusters.Demo(), new NodeNetworkPeers("secretfleet-system", "monitoring"));

    private static readonly Dictionary<string, string> NodeOfDemo = Labels(NodePodSpec.Build(TestClusters.Demo(), "node:1", 1, 2).Metadata.Labels!);

    /// <summary>The operator pod's labels as the chart's Deployment sets them (release sf).</summary>
    private static readonly Dictionary<string, string> OperatorPod = new()
    {
        [LabelsAndAnnotations.Name] = "secretfleet",
        [LabelsAndAnnotations.Instance] = "sf",
        [LabelsAndAnnotations.Component] = "operator",
    };

    [Fact]
    public void It_is_the_fleets_own_child_and_selects_exactly_its_node_pods()
    {
        var metadata = Policy["metadata"]!;
        Assert.Equal(("networking.k8s.io/v1", "NetworkPolicy"), ((string?)Policy["apiVersion"], (string?)Policy["kind"]));
        Assert.Equal(("demo-nodes", "vault"), ((string?)metadata["name"], (string?)metadata["namespace"]));
        Assert.Equal(ChildNames.Of(TestClusters.Demo()).NetworkPolicy, (string?)metadata["name"]);
        var owner = metadata["ownerReferences"]![0]!;
        Assert.Equal(("SecretCluster", "demo", TestClusters.Uid, true), ((string?)owner["kind"], (string?)owner["name"], (string?)owner["uid"], (bool?)owner["controller"]));
        Assert.Equal("demo", (string?)metadata["labels"]![LabelsAndAnnotations.Cluster]);

        Assert.Equal(["Ingress"], Policy["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t));
        Assert.True(Selects(NodeOfDemo));
        Assert.False(Selects(NodeOf("other")), "a node pod of another fleet in the namespace");
        Assert.False(Selects(new() { [LabelsAndAnnotations.ClientOf] = "demo" }), "a client pod");
    }

    [Fact]
    public void Grpc_is_admitted_from_the_fleets_own_nodes_the_operator_and_pods_labelled_clients_of_the_fleet()
    {
        Assert.True(Admits("vault", NodeOfDemo, ChildNames.GrpcPort), "a peer node");
        Assert.True(Admits("secretfleet-system", OperatorPod, ChildNames.GrpcPort), "the operator");
        Assert.True(Admits("vault", new() { [LabelsAndAnnotations.ClientOf] = "demo", ["app"] = "billing" }, ChildNames.GrpcPort), "a client of demo");
    }

    [Fact]
    public void Grpc_is_refused_to_everyone_else_including_lookalikes_in_the_wrong_namespace()
    {
        Assert.False(Admits("vault", new() { ["app"] = "billing" }, ChildNames.GrpcPort), "an unlabelled pod of the fleet's namespace");
        Assert.False(Admits("vault", new() { [LabelsAndAnnotations.ClientOf] = "other" }, ChildNames.GrpcPort), "a client of another fleet");
        Assert.False(Admits("team-b", new() { [LabelsAndAnnotations.ClientOf] = "demo" }, ChildNames.GrpcPort), "a pod of another namespace calling itself a client of demo");
        Assert.False(Admits("vault", NodeOf("other"), ChildNames.GrpcPort), "a node of another fleet");
        Assert.False(Admits("team-b", NodeOfDemo, ChildNames.GrpcPort), "a pod of another namespace with demo's node labels");
        Assert.False(Admits("vault", OperatorPod, ChildNames.GrpcPort), "a pod with the operator's labels outside the operator's namespace");
        Assert.False(Admits("secretfleet-system", new() { ["app"] = "other" }, ChildNames.GrpcPort), "another pod of the operator's namespace");
        Assert.False(Admits("monitoring", new() { ["app"] = "prometheus" }, ChildNames.GrpcPort), "the metrics namespace");
    }

    [Fact]
    public void The_metrics_port_is_admitted_from_the_metrics_namespace_only_and_no_other_port_at_all()
    {
        Assert.True(Admits("monitoring", new() { ["app"] = "prometheus" }, ChildNames.HttpPort));
        Assert.False(Admits("vault", NodeOfDemo, ChildNames.HttpPort), "nodes do not scrape each other");
        Assert.False(Admits("secretfleet-system", OperatorPod, ChildNames.HttpPort), "the operator is not the metrics namespace here");
        Assert.False(Admits("vault", new() { [LabelsAndAnnotations.ClientOf] = "demo" }, ChildNames.HttpPort));

        foreach (var (ns, labels) in new[] { ("vault", NodeOfDemo), ("secretfleet-system", OperatorPod), ("monitoring", new Dictionary<string, string>()) })
        {
            Assert.False(Admits(ns, labels, 9999), $"port 9999 from {ns}");
        }
    }

    [Fact]
    public void The_metrics_namespace_is_the_one_configured()
    {
        var policy = Build(TestClusters.Demo(), new NodeNetworkPeers("ops", "ops"));

        Assert.True(Admits(policy, "ops", OperatorPod, ChildNames.HttpPort));
        Assert.True(Admits(policy, "ops", OperatorPod, ChildNames.GrpcPort));
        Assert.False(Admits(policy, "monitoring", new(), ChildNames.HttpPort));
    }

    private static JsonObject Build(Kube.SecretClusters.SecretCluster cluster, NodeNetworkPeers peers) =>
        JsonSerializer.SerializeToNode(NetworkPolicySpec.Build(cluster, peers), KubeJson.Options)!.AsObject();

    private static Dictionary<string, string> NodeOf(string cluster) =>
        Labels(NodePodSpec.Build(TestClusters.Demo() with { Metadata = TestClusters.Demo().Metadata with { Name = cluster } }, "node:1", 0, 2).Metadata.Labels!);

    private static Dictionary<string, string> Labels(IDictionary<string, string> labels) => labels.ToDictionary();

    private static bool Selects(Dictionary<string, string> podLabels) => Matches(Policy["spec"]!["podSelector"]!, podLabels);

    private static bool Admits(string ns, Dictionary<string, string> labels, int port) => Admits(Policy, ns, labels, port);

    /// <summary>Whether any ingress rule admits TCP to <paramref name="port"/> from a pod of <paramref name="ns"/> with <paramref name="labels"/>.</summary>
    private static bool Admits(JsonObject policy, string ns, Dictionary<string, string> labels, int port)
    {
        var policyNamespace = (string)policy["metadata"]!["namespace"]!;
        var namespaceLabels = new Dictionary<string, string> { [LabelsAndAnnotations.NamespaceName] = ns };
        foreach (var rule in policy["spec"]!["ingress"]!.AsArray())
        {
            var ports = rule!["ports"]!.AsArray();
            if (!ports.Any(p => (string?)p!["protocol"] == "TCP" && (int?)p["port"] == port))
            {
                continue;
            }

            foreach (var peer in rule["from"]!.AsArray())
            {
                Assert.Null(peer!["ipBlock"]);
                var namespaceSelector = peer["namespaceSelector"];
                var podSelector = peer["podSelector"];
                var namespaceOk = namespaceSelector is null ? ns == policyNamespace : Matches(namespaceSelector, namespaceLabels);
                var podOk = podSelector is null || Matches(podSelector, labels);
                if (namespaceOk && podOk)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Matches(JsonNode selector, Dictionary<string, string> labels)
    {
        Assert.Null(selector["matchExpressions"]);
        return (selector["matchLabels"]?.AsObject() ?? []).All(kv => labels.GetValueOrDefault(kv.Key) == (string?)kv.Value);
    }
}
