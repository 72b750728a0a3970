using SecretFleet.Core.Identity;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>Names of a SecretCluster's children, as fixed by the Kubernetes contract (docs and operator agree on them).</summary>
internal static class ClusterNames
{
    public const int GrpcPort = 7443;
    public const int HttpPort = 8080;

    public static string NodeService(string cluster) => $"{cluster}-nodes";

    public static string Pod(string cluster, int ordinal) => $"{cluster}-{ordinal}";

    /// <summary>The name the CLI verifies in a node's certificate, whichever address it dials.</summary>
    public static string TlsName(string cluster, int ordinal, string @namespace) => $"{Pod(cluster, ordinal)}.{NodeService(cluster)}.{@namespace}.svc";

    /// <summary>The identity node certificates carry (today one Certificate serves every node of a cluster).</summary>
    public static FleetIdentity NodeIdentity(SecretCluster cluster) =>
        new(cluster.Spec.TrustDomain, FleetRole.Node, cluster.Metadata.Name ?? throw new ArgumentException("The SecretCluster has no name.", nameof(cluster)));

    public static string ClientSecret(string cluster) => $"{cluster}-client-tls";

    /// <summary>The coordinator's FleetView id (<c>NS/NAME</c>).</summary>
    public static string FleetId(string cluster, string @namespace) => $"{@namespace}/{cluster}";
}
