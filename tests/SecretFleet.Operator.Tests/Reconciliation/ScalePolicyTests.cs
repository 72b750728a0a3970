using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class ScalePolicyTests
{
    [Fact]
    public void Without_an_applied_shape_the_spec_is_taken_as_it_is()
    {
        var shape = ScalePolicy.Decide(TestClusters.Demo(5, 3), null, operationRunning: true);

        Assert.Equal((5, 3, false, null), (shape.Replicas, shape.Threshold, shape.Refused, shape.WaitingFor));
    }

    [Fact]
    public void Scaling_a_formed_fleet_below_its_threshold_is_refused_and_keeps_the_live_size()
    {
        var cluster = Formed(TestClusters.Demo(2, 2));

        var shape = ScalePolicy.Decide(cluster, Live(5, 3), operationRunning: false);

        Assert.Equal(Conditions.Reasons.ScaleBelowThresholdRefused, shape.RefusalReason);
        Assert.Equal((5, 3), (shape.Replicas, shape.Threshold));
        Assert.Contains("spec.replicas 2 is below the threshold 3", shape.RefusalMessage);
    }

    [Fact]
    public void Changing_the_threshold_of_a_formed_fleet_is_refused()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(5, 4)), Live(5, 3), operationRunning: false);

        Assert.Equal(Conditions.Reasons.InvalidSpec, shape.RefusalReason);
        Assert.Equal(3, shape.Threshold);
        Assert.Contains("Set spec.threshold back to 3", shape.RefusalMessage);
    }

    [Fact]
    public void Before_the_fleet_formed_the_threshold_may_change()
    {
        var shape = ScalePolicy.Decide(TestClusters.Demo(5, 4), Live(5, 3), operationRunning: false);

        Assert.False(shape.Refused);
        Assert.Equal(4, shape.Threshold);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    public void Replica_changes_wait_for_a_running_operation(int replicas)
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(replicas, 3)), Live(4, 3), operationRunning: true);

        Assert.Equal(4, shape.Replicas);
        Assert.Equal("the running fleet operation", shape.WaitingFor);
    }

    [Fact]
    public void Scaling_down_to_the_threshold_is_allowed()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(3, 3)), Live(5, 3), operationRunning: false);

        Assert.Equal((3, 3, false), (shape.Replicas, shape.Threshold, shape.Refused));
    }

    private static SecretCluster Formed(SecretCluster cluster) => cluster with { Status = new SecretClusterStatus { Epoch = 4 } };

    private static AppliedShape Live(int replicas, int threshold) => new(replicas, threshold);
}
