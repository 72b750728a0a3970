using System.Net;
using Google.Protobuf;
using SecretFleet.Core.Tests.Identity;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>Hand-made requests a well-behaved client never sends: the server must answer each with the right status and keep serving.</summary>
[Trait("Category", "Integration")]
public sealed class RpcWireProtocolTests : IAsyncLifetime
{
    private const string Say = "/secretfleet.test.v1.Echo/Say";
    private readonly TestPki pki = new();
    private RpcTestServer server = null!;
    private RawGrpcClient raw = null!;

    public async Task InitializeAsync()
    {
        server = await RpcTestServer.StartAsync(pki.Node(), o => o.MaxReceiveMessageBytes = 64 * 1024);
        raw = new RawGrpcClient(server.Address, pki.Client());
    }

    public async Task DisposeAsync()
    {
        raw.Dispose();
        await server.DisposeAsync();
        pki.Dispose();
    }

    [Fact]
    public async Task Malformed_protobuf_returns_INTERNAL_as_trailers_only()
    {
        // Field 1 (text), length-delimited, claims 100 bytes but 2 follow.
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame([0x0A, 100, 1, 2]));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("13", response.GrpcStatus);
        Assert.True(response.TrailersOnly);
        Assert.Empty(response.Body);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Frame_length_over_the_limit_returns_RESOURCE_EXHAUSTED_without_reading_the_message()
    {
        // The header claims 100 MB; only a few bytes follow.
        var frame = new byte[] { 0, 0x05, 0xF5, 0xE1, 0x00, 1, 2, 3 };

        var response = await raw.PostAsync(Say, frame);

        Assert.Equal("8", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Truncated_frame_returns_INTERNAL()
    {
        var frame = RawGrpcClient.Frame(new EchoRequest { Text = "cut short" }.ToByteArray())[..^3];

        var response = await raw.PostAsync(Say, frame);

        Assert.Equal("13", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task No_request_message_returns_UNIMPLEMENTED()
    {
        var response = await raw.PostAsync(Say, []);

        Assert.Equal("12", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Two_request_messages_to_a_unary_method_return_UNIMPLEMENTED()
    {
        var one = RawGrpcClient.Frame(new EchoRequest { Text = "one" }.ToByteArray());

        var response = await raw.PostAsync(Say, [.. one, .. one]);

        Assert.Equal("12", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_returns_INTERNAL()
    {
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame(new EchoRequest { Text = "z" }.ToByteArray(), compressed: 1));

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("compress", response.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Unsupported_grpc_encoding_returns_UNIMPLEMENTED()
    {
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame([], compressed: 1), headers: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });

        Assert.Equal("12", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Request_that_is_not_gRPC_gets_HTTP_415()
    {
        var response = await raw.PostAsync(Say, "{}"u8.ToArray(), contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Null(response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Json_sub_type_returns_UNIMPLEMENTED()
    {
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame("{}"u8.ToArray()), contentType: "application/grpc+json");

        Assert.Equal("12", response.GrpcStatus);
    }

    [Fact]
    public async Task Proto_sub_type_is_accepted()
    {
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame(new EchoRequest { Text = "p" }.ToByteArray()), contentType: "application/grpc+proto");

        Assert.Equal("0", response.GrpcStatus);
        Assert.False(response.TrailersOnly);
        Assert.Equal("p", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task Malformed_grpc_timeout_returns_INTERNAL()
    {
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame([]), headers: new Dictionary<string, string> { ["grpc-timeout"] = "10x" });

        Assert.Equal("13", response.GrpcStatus);
    }

    private async Task AssertStillServesAsync()
    {
        var response = await raw.PostAsync(Say, RawGrpcClient.Frame(new EchoRequest { Text = "still here" }.ToByteArray()));
        Assert.Equal("0", response.GrpcStatus);
        Assert.Equal("still here", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
    }
}
