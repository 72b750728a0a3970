using k8s.Models;
using SecretFleet.Kube;
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
    public static V1NetworkPolicy Build(SecretCluster cluster, NodeNetworkPeers peers)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(peers);
        var names = ChildNames.Of(cluster);
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = ChildMetadata.For(cluster, names.NetworkPolicy, LabelsAndAnnotations.Components.Node),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = ChildMetadata.NodePods(names.Cluster),
                PolicyTypes = ["Ingress"],
                Ingress =
                [
                    new V1NetworkPolicyIngressRule
                    {
                        FromProperty =
                        [
                            // A podSelector alone means the policy's own namespace: the fleet's.
                            new V1NetworkPolicyPeer { PodSelector = ChildMetadata.NodePods(names.Cluster) },
                            new V1NetworkPolicyPeer
                            {
                                NamespaceSelector = InNamespace(peers.OperatorNamespace),
                                PodSelector = new V1LabelSelector { MatchLabels = OperatorPodLabels.ToDictionary() },
                            },
                            new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [LabelsAndAnnotations.ClientOf] = names.Cluster } } },
                        ],
                        Ports = [Port(ChildNames.GrpcPort)],
                    },
                    new V1NetworkPolicyIngressRule
                    {
                        FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = InNamespace(peers.MetricsNamespace) }],
                        Ports = [Port(ChildNames.HttpPort)],
                    },
                ],
            },
        };
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

    private static V1LabelSelector InNamespace(string ns) => new() { MatchLabels = new Dictionary<string, string> { [LabelsAndAnnotations.NamespaceName] = ns } };

    private static V1NetworkPolicyPort Port(int port) => new() { Protocol = "TCP", Port = port };
}
