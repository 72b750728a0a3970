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
        var changed = ResharingWrites.ThresholdMismatch(3, 2);

        Assert.True(ResharingWrites.IsRefused(refused));
        Assert.True(ResharingWrites.IsThresholdMismatch(changed));
        // The same words without the trailer (a proxy's, or a node of another version) are some other failure.
        Assert.False(ResharingWrites.IsRefused(new RpcException(refused.Status)));
        Assert.False(ResharingWrites.IsThresholdMismatch(new RpcException(changed.Status)));
        Assert.False(ResharingWrites.IsRefused(changed));
        Assert.False(ResharingWrites.IsThresholdMismatch(refused));
        Assert.False(ResharingWrites.IsRefused(null));
    }
}
