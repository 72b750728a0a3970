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
    public void Replicas_below_the_specs_own_threshold_are_refused_and_keep_the_live_shape()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(2, 3)), Live(5, 3), operationRunning: false);

        Assert.Equal(Conditions.Reasons.ScaleBelowThresholdRefused, shape.RefusalReason);
        Assert.Equal((5, 3, 5), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Null(shape.Resharing);
        Assert.Contains("spec.replicas 2 is below spec.threshold 3", shape.RefusalMessage);
    }

    [Fact]
    public void Changing_the_threshold_of_a_formed_fleet_reshares_to_it_and_keeps_the_applied_shape_until_it_commits()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(5, 2)), Live(5, 3), operationRunning: false);

        Assert.False(shape.Refused);
        Assert.Equal((5, 3, 5), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Equal(new ResharingTarget(5, 2), shape.Resharing);
    }

    [Fact]
    public void Scaling_a_formed_fleet_down_reshares_and_keeps_the_leaving_nodes_until_it_commits()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(3, 2)), Live(5, 3), operationRunning: false);

        Assert.Equal((5, 3, 5), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Equal("2-of-3", shape.Resharing!.ToString());
    }

    [Fact]
    public void Scaling_down_without_a_threshold_change_reshares_too_so_that_the_leaving_nodes_shares_are_erased()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(3, 3)), Live(5, 3), operationRunning: false);

        Assert.Equal(new ResharingTarget(3, 3), shape.Resharing);
        Assert.Equal(5, shape.Nodes);
    }

    [Fact]
    public void Growing_with_a_new_threshold_runs_the_new_nodes_before_the_resharing_and_keeps_them_out_of_the_fleet()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(5, 3)), Live(3, 2), operationRunning: false);

        Assert.Equal((3, 2, 5), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Equal(new ResharingTarget(5, 3), shape.Resharing);
    }

    [Fact]
    public void Growing_without_a_threshold_change_is_a_plain_scale_up_that_rebuilds_the_new_nodes_shares()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(5, 2)), Live(3, 2), operationRunning: false);

        Assert.Equal((5, 2, 5), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Null(shape.Resharing);
    }

    [Fact]
    public void A_fleet_with_fewer_than_2t_minus_1_nodes_keeps_its_shape_and_is_told_to_grow_first()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(4, 2)), Live(4, 3), operationRunning: false);

        Assert.Equal(Conditions.Reasons.ResharingRefused, shape.RefusalReason);
        Assert.Equal((4, 3, 4), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Null(shape.Resharing);
        Assert.Contains("The fleet stays 3-of-4 instead of becoming 2-of-4: A 3-of-4 fleet cannot reshare: at least 2t − 1 = 5 nodes must deal", shape.RefusalMessage);
        Assert.Contains("set spec.replicas to 5 with spec.threshold 3, wait until the SecretCluster is Ready with 5 nodes, then set spec.replicas 4 and spec.threshold 2", shape.RefusalMessage);
    }

    [Fact]
    public void An_open_resharing_keeps_every_node_it_deals_to_whatever_the_spec_says_now()
    {
        var cluster = TestClusters.Demo(3, 2) with
        {
            Status = new SecretClusterStatus
            {
                Epoch = 4,
                Refresh = new RefreshStatus { Id = "resharing-1", Kind = RefreshKind.Resharing, Participants = [0, 1, 2], Receivers = [0, 1, 2, 3, 4, 5, 6], NewThreshold = 4 },
            },
        };

        var shape = ScalePolicy.Decide(cluster, Live(3, 2), operationRunning: true);

        Assert.Equal((3, 2, 7), (shape.Replicas, shape.Threshold, shape.Nodes));
        Assert.Equal(new ResharingTarget(7, 4), shape.Resharing);
    }

    [Fact]
    public void Before_the_fleet_formed_the_threshold_may_change()
    {
        var shape = ScalePolicy.Decide(TestClusters.Demo(5, 4), Live(5, 3), operationRunning: false);

        Assert.False(shape.Refused);
        Assert.Null(shape.Resharing);
        Assert.Equal(4, shape.Threshold);
    }

    [Fact]
    public void A_scale_up_waits_for_a_running_operation()
    {
        var shape = ScalePolicy.Decide(Formed(TestClusters.Demo(5, 3)), Live(4, 3), operationRunning: true);

        Assert.Equal(4, shape.Replicas);
        Assert.Equal("the running fleet operation", shape.WaitingFor);
    }

    private static SecretCluster Formed(SecretCluster cluster) => cluster with { Status = new SecretClusterStatus { Epoch = 4 } };

    private static AppliedShape Live(int replicas, int threshold) => new(replicas, threshold);
}
