using System.Net;
using System.Security.Cryptography;
using Grpc.Health.V1;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Identity;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>
/// What the fleet channel's handler does to a request: the bytes grpc-dotnet serialized it into
/// (shares, for a Put) are zeroed as soon as they are copied out, before grpc-dotnet returns the
/// buffer to the shared pool; the message goes out whole, with the :authority we verify.
/// </summary>
public sealed class FleetHttpHandlerTests
{
    [Fact]
    [Trait("Category", "Unit")]
    public async Task The_serialized_request_is_zeroed_once_copied_out_and_still_sent_whole()
    {
        var payload = RandomNumberGenerator.GetBytes(64);
        var sent = payload.ToArray();
        var recorder = new RecordingHandler();
        using var invoker = new HttpMessageInvoker(new FleetHttpHandler(recorder, authority: null));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://node.test/secretfleet.v1.Shares/Put") { Content = new ArrayContent(payload) };
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(sent, recorder.Body);
        Assert.Equal("application/grpc", recorder.ContentType);
        Assert.True(payload.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the serialized request outlived its write");
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task The_name_to_verify_goes_out_as_the_authority_with_the_dialled_port()
    {
        var recorder = new RecordingHandler();
        using var invoker = new HttpMessageInvoker(new FleetHttpHandler(recorder, authority: "demo-0.demo-nodes.ns.svc"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://10.42.0.7:7443/grpc.health.v1.Health/Check") { Content = new ArrayContent([0, 0, 0, 0, 0]) };

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("demo-0.demo-nodes.ns.svc:7443", recorder.Host);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Calls_through_the_fleet_channel_still_round_trip()
    {
        using var pki = new TestPki();
        await using var server = await RpcTestServer.StartAsync(pki.Node());
        using var channel = server.Channel(pki.Client());
        var payload = RandomNumberGenerator.GetBytes(4096);

        var reply = await RpcCallTests.SayAsync(channel, new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(payload) });
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.Equal(payload, reply.Payload.ToByteArray());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    /// <summary>Writes its array as it is, the way grpc-dotnet writes its pooled serialization buffer.</summary>
    private sealed class ArrayContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes, 0, bytes.Length);

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public byte[] Body { get; private set; } = [];

        public string? ContentType { get; private set; }

        public string? Host { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var copy = new MemoryStream();
            await request.Content!.CopyToAsync(copy, cancellationToken);
            Body = copy.ToArray();
            ContentType = request.Content.Headers.ContentType?.MediaType;
            Host = request.Headers.Host;
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
