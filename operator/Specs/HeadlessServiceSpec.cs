using System.Globalization;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The headless Service <c>NAME-nodes</c>: it gives every pod its DNS name <c>NAME-i.NAME-nodes.NS.svc</c>.
/// Not-ready addresses are published because peers must reach a node that is still recovering its shares.
/// It also records the fleet's applied shape (replicas and threshold) in annotations: the operator makes the
/// pods itself, so no StatefulSet holds them, and the threshold must survive an operator restart. So is the node
/// image the pods are given, which they keep when spec.image names one the operator does not allow.
/// </summary>
internal static class HeadlessServiceSpec
{
    public static V1Service Build(SecretCluster cluster, int replicas, int threshold, string nodeImage)
    {
        var names = ChildNames.Of(cluster);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [LabelsAndAnnotations.FleetReplicas] = replicas.ToString(CultureInfo.InvariantCulture),
            [LabelsAndAnnotations.FleetThreshold] = threshold.ToString(CultureInfo.InvariantCulture),
            [LabelsAndAnnotations.NodeImage] = nodeImage,
        };
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = ChildMetadata.For(cluster, names.Service, LabelsAndAnnotations.Components.Node, annotations),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                PublishNotReadyAddresses = true,
                Selector = ChildMetadata.NodeSelector(names.Cluster),
                Ports = [Port("grpc", ChildNames.GrpcPort), Port("http", ChildNames.HttpPort)],
            },
        };
    }

    private static V1ServicePort Port(string name, int port) => new()
    {
        Name = name,
        Port = port,
        TargetPort = port,
        Protocol = "TCP",
    };
}
