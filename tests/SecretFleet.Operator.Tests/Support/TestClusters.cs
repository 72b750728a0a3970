using k8s.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>SecretClusters as the API server would return them (uid, generation, creation time set).</summary>
internal static class TestClusters
{
    public const string Uid = "7d3c1b2a-0000-4000-8000-000000000001";

    public static readonly DateTimeOffset Created = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static SecretCluster Demo(int replicas = 3, int threshold = 2) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "demo",
            NamespaceProperty = "vault",
            Uid = Uid,
            Generation = 1,
            ResourceVersion = "1",
            CreationTimestamp = Created.UtcDateTime,
        },
        Spec = new SecretClusterSpec { Replicas = replicas, Threshold = threshold, Refresh = new RefreshSpec { Interval = "10m" } },
    };

    /// <summary>A SecretCluster made before per-fleet trust domains: the old CRD's default, secretfleet.local, was persisted in it.</summary>
    public static SecretCluster Legacy() => Demo() with { Spec = Demo().Spec with { TrustDomain = "secretfleet.local" } };

    /// <summary>Node key material that is recognisably fake: every byte is the ordinal.</summary>
    public static byte[] Key(int ordinal) => Enumerable.Repeat((byte)ordinal, 32).ToArray();
}
