using System.Globalization;
using k8s.Models;
using SecretFleet.Core.Epochs;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>
/// Turns a SecretCluster and its pods into the fleet the CLI dials: one member per ordinal
/// (x = ordinal + 1), TLS name <c>NAME-i.NAME-nodes.NS.svc</c>. An ordinal without a pod IP
/// still counts — a store needs every node — and dials an address that cannot resolve, so it
/// shows up as unreachable, named like the others. The shape is the one the operator applied
/// (<c>status.replicas</c>, <c>status.threshold</c>), not the spec: while a threshold change or scale-down
/// waits, runs or was refused, the shares still have the old one.
/// </summary>
internal static class ClusterTopology
{
    public static IReadOnlyList<ClusterNode> Nodes(SecretCluster cluster, IEnumerable<V1Pod> pods)
    {
        var names = ChildNames.Of(cluster);
        var byName = pods.Where(p => p.Metadata.Name is not null).ToDictionary(p => p.Metadata.Name!, StringComparer.Ordinal);
        return [.. Enumerable.Range(0, Replicas(cluster)).Select(ordinal =>
        {
            var podName = names.Pod(ordinal);
            byName.TryGetValue(podName, out var pod);
            var ip = pod?.Status?.PodIP is { Length: > 0 } address && pod.Metadata.DeletionTimestamp is null ? address : null;
            return new ClusterNode(ordinal, podName, ip, pod?.IsReady() == true, names.PodTlsName(ordinal));
        })];
    }

    /// <summary>The members, dialing <paramref name="endpoint"/>'s answer for each node.</summary>
    public static FleetView View(SecretCluster cluster, IReadOnlyList<ClusterNode> nodes, Func<ClusterNode, Uri> endpoint) =>
        new(ChildNames.Of(cluster).FleetId, cluster.Status?.Threshold ?? cluster.Spec.Threshold,
            [.. nodes.Select(n => new FleetMember(n.X, endpoint(n), n.TlsName, ChildNames.NodeIdentity(cluster, n.Ordinal)))]);

    /// <summary>The nodes that hold the shares: status.replicas, or spec.replicas from an operator that does not record it.</summary>
    private static int Replicas(SecretCluster cluster) => cluster.Status?.Replicas ?? cluster.Spec.Replicas;

    public static Uri DirectEndpoint(ClusterNode node) => node.PodIp is { } ip
        ? new Uri($"https://{Host(ip)}:{ChildNames.GrpcPort.ToString(CultureInfo.InvariantCulture)}")
        : Unreachable(node);

    public static Uri? MetricsEndpoint(ClusterNode node) => node.PodIp is { } ip
        ? new Uri($"http://{Host(ip)}:{ChildNames.HttpPort.ToString(CultureInfo.InvariantCulture)}/metrics")
        : null;

    /// <summary>An address under the reserved <c>.invalid</c> domain (RFC 6761): it never resolves, so calls fail at once as unavailable.</summary>
    public static Uri Unreachable(ClusterNode node) => new($"https://{node.PodName}.no-pod-ip.invalid:{ChildNames.GrpcPort.ToString(CultureInfo.InvariantCulture)}");

    private static string Host(string ip) => ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
}
