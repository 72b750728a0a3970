using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Tests.Rpc;

[Trait("Category", "Unit")]
public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void Only_protobuf_gRPC_content_types_are_supported(string? contentType, bool supported) =>
        Assert.Equal(supported, GrpcProtocol.IsSupportedContentType(contentType));

    [Fact]
    public void Status_codes_have_their_canonical_wire_names()
    {
        Assert.Equal("OK", RpcStatusCode.Ok.ToWireName());
        Assert.Equal("DEADLINE_EXCEEDED", RpcStatusCode.DeadlineExceeded.ToWireName());
        Assert.Equal("UNAUTHENTICATED", RpcStatusCode.Unauthenticated.ToWireName());
        Assert.Equal(17, Enum.GetValues<RpcStatusCode>().Select(c => c.ToWireName()).Distinct().Count());
    }

    [Fact]
    public void RpcException_cannot_carry_OK()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpcException(RpcStatusCode.Ok, "fine"));
    }
}
