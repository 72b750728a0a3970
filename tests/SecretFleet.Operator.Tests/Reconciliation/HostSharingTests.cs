using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class HostSharingTests
{
    private static V1Pod On(string name, string? host, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "vault", DeletionTimestamp = deleting ? TestClusters.Created.UtcDateTime : null },
        Spec = new V1PodSpec { NodeName = host },
    };

    private static (bool Shared, string Reason, string Message) Assess(params V1Pod[] pods)
    {
        var cluster = TestClusters.Demo(5, 3);
        return HostSharing.Assess(new ClusterState(cluster, ChildNames.Of(cluster), null, null, pods), threshold: 3);
    }

    [Fact]
    public void Two_nodes_on_one_host_below_the_threshold_are_reported_without_claiming_the_host_can_recover()
    {
        var (shared, reason, message) = Assess(On("demo-0", "a"), On("demo-1", "a"), On("demo-2", "b"), On("demo-3", "c"), On("demo-4", "c", deleting: true), On("demo-5", null));

        Assert.True(shared);
        Assert.Equal(Conditions.Reasons.HostsShared, reason);
        Assert.StartsWith("host a runs demo-0, demo-1: fewer than threshold (3)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("host c", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unscheduled_and_terminating_pods_do_not_count_as_sharing()
    {
        Assert.Equal((false, Conditions.Reasons.DistinctHosts), Assess(On("demo-0", "a"), On("demo-1", null), On("demo-2", "a", deleting: true)) is var (s, r, _) ? (s, r) : default);
    }
}
