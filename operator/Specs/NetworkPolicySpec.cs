using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The NetworkPolicy <c>NAME-nodes</c>: it isolates the fleet's node pods for ingress and admits only
/// <list type="bullet">
/// <item>on the gRPC port, the fleet's own node pods (peers dial each other during epochs and recoveries), the
/// operator's pods in its namespace, and pods of the fleet's namespace labelled <c>secretfleet.io/client-of: NAME</c>;</item>
/// <item>on the plain-HTTP port (metrics, probes), any pod of the configured metrics namespace.</item>
/// </list>
/// Egress is left alone: nodes dial their peers and resolve names. Kubelet probes and <c>kubectl port-forward</c> (which
/// enters the pod's own network namespace) are not pod-to-pod traffic, so the policy does not stop them. It is one
/// layer under mutual TLS, not instead of it: who may call what is still decided by the certificates.
/// </summary>
internal static class NetworkPolicySpec
{
    public static KubeObject Build(SecretCluster cluster, NodeNetworkPeers peers)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(peers);
        var names = ChildNames.Of(cluster);
        var nodes = new JsonObject { ["matchLabels"] = ChildMetadata.ToJson(ChildMetadata.NodeSelector(names.Cluster)) };
        return new KubeObject("networking.k8s.io/v1", "NetworkPolicy", ChildMetadata.For(cluster, names.NetworkPolicy, LabelsAndAnnotations.Components.Node), new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["podSelector"] = nodes.DeepClone(),
                ["policyTypes"] = new JsonArray("Ingress"),
                ["ingress"] = new JsonArray(
                    new JsonObject
                    {
                        ["from"] = new JsonArray(
                            // A podSelector alone means the policy's own namespace: the fleet's.
                            new JsonObject { ["podSelector"] = nodes.DeepClone() },
                            new JsonObject
                            {
                                ["namespaceSelector"] = InNamespace(peers.OperatorNamespace),
                                ["podSelector"] = new JsonObject { ["matchLabels"] = ChildMetadata.ToJson(OperatorPodLabels) },
                            },
                            new JsonObject { ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [LabelsAndAnnotations.ClientOf] = names.Cluster } } }),
                        ["ports"] = new JsonArray(Port(ChildNames.GrpcPort)),
                    },
                    new JsonObject
                    {
                        ["from"] = new JsonArray(new JsonObject { ["namespaceSelector"] = InNamespace(peers.MetricsNamespace) }),
                        ["ports"] = new JsonArray(Port(ChildNames.HttpPort)),
                    }),
            },
        });
    }

    /// <summary>
    /// The labels the operator's pods carry (the chart's Deployment sets them; a chart test holds it to that): the
    /// release name (<c>app.kubernetes.io/instance</c>) is left out, so any release's operator in that namespace matches.
    /// </summary>
    public static IReadOnlyDictionary<string, string> OperatorPodLabels { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [LabelsAndAnnotations.Name] = LabelsAndAnnotations.AppName,
        [LabelsAndAnnotations.Component] = LabelsAndAnnotations.Components.Operator,
    };

    private static JsonObject InNamespace(string ns) => new() { ["matchLabels"] = new JsonObject { [LabelsAndAnnotations.NamespaceName] = ns } };

    private static JsonObject Port(int port) => new() { ["protocol"] = "TCP", ["port"] = port };
}
