using SecretFleet.Core.Identity;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>Names of a SecretCluster's children, as fixed by the Kubernetes contract (kube's <see cref="ChildNames"/>, which the operator uses too).</summary>
internal static class ClusterNames
{
    public const int GrpcPort = ChildNames.GrpcPort;
    public const int HttpPort = ChildNames.HttpPort;

    public static string NodeService(string cluster) => Of(cluster, "").Service;

    public static string Pod(string cluster, int ordinal) => Of(cluster, "").Pod(ordinal);

    /// <summary>The name the CLI verifies in a node's certificate, whichever address it dials.</summary>
    public static string TlsName(string cluster, int ordinal, string @namespace) => Of(cluster, @namespace).PodTlsName(ordinal);

    /// <summary>The identity node <paramref name="ordinal"/>'s certificate carries (<c>spiffe://TD/node/NAME-i</c>); the CLI accepts no other from it.</summary>
    public static FleetIdentity NodeIdentity(SecretCluster cluster, int ordinal) =>
        new(cluster.Spec.TrustDomain, FleetRole.Node,
            Of(cluster.Metadata.Name ?? throw new ArgumentException("The SecretCluster has no name.", nameof(cluster)), cluster.Metadata.Namespace ?? "default").NodeIdentityName(ordinal));

    public static string ClientSecret(string cluster) => Of(cluster, "").ClientTlsSecret;

    /// <summary>The coordinator's FleetView id (<c>NS/NAME</c>).</summary>
    public static string FleetId(string cluster, string @namespace) => Of(cluster, @namespace).FleetId;

    private static ChildNames Of(string cluster, string @namespace) => new(@namespace, cluster);
}
