using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>One ordinal of a SecretCluster as the CLI found it: its pod (if any), pod IP and readiness.</summary>
internal sealed record ClusterNode(int Ordinal, string PodName, string? PodIp, bool Ready, string TlsName)
{
    public byte X => NodeIndex.XOf(Ordinal);
}
