using Grpc.Core;
using SecretFleet.Core.Epochs;

namespace SecretFleet.Core.Tests.Epochs;

[Trait("Category", "Unit")]
public sealed class ResharingWritesTests
{
    [Fact]
    public void A_client_knows_a_resharing_refusal_by_its_trailer_not_by_its_text()
    {
        var refused = ResharingWrites.Refused();
        var changed = ResharingWrites.ShapeMismatch(3, 5, 2, 5);

        Assert.True(ResharingWrites.IsRefused(refused));
        Assert.True(ResharingWrites.IsShapeMismatch(changed));
        // The same words without the trailer (a proxy's, or a node of another version) are some other failure.
        Assert.False(ResharingWrites.IsRefused(new RpcException(refused.Status)));
        Assert.False(ResharingWrites.IsShapeMismatch(new RpcException(changed.Status)));
        Assert.False(ResharingWrites.IsRefused(changed));
        Assert.False(ResharingWrites.IsShapeMismatch(refused));
        Assert.False(ResharingWrites.IsRefused(null));
    }

    [Theory]
    [InlineData(3, 5, 3u, 5u, false)]
    [InlineData(3, 5, 2u, 5u, true)]
    [InlineData(3, 5, 3u, 7u, true)]
    [InlineData(3, 0, 3u, 7u, false)] // the node knows no size: only the threshold is compared
    [InlineData(3, 0, 2u, 7u, true)]
    [InlineData(3, 5, 0u, 0u, false)] // a rollback of the client's own failed store names no shape
    public void A_node_refuses_a_write_for_another_shape_and_only_that(int fleetThreshold, int fleetNodes, uint clientThreshold, uint clientNodes, bool refused)
    {
        var answer = ResharingWrites.CheckShape(fleetThreshold, fleetNodes, clientThreshold, clientNodes);

        Assert.Equal(refused, ResharingWrites.IsShapeMismatch(answer));
    }
}
