using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Identity;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>
/// What a call over SecretFleet's channel and server set-up does (grpc-dotnet underneath):
/// identities, deadlines, cancellation, limits, streaming, errors and metrics.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RpcCallTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private RpcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await RpcTestServer.StartAsync(_pki.Node());

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task Unary_call_round_trips_a_message_and_the_server_sees_the_caller_identity()
    {
        using var channel = _server.Channel(_pki.Client());

        var reply = await SayAsync(channel, new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("\0bytes\xff") });

        Assert.Equal("hello", reply.Text);
        Assert.Equal(ByteString.CopyFromUtf8("\0bytes\xff"), reply.Payload);
        Assert.Equal("spiffe://fleet.test/client/alice", reply.Peer);
        Assert.True(reply.HadDeadline);
    }

    [Fact]
    public async Task A_certificate_without_a_fleet_identity_is_served_without_one()
    {
        using var anonymous = _server.Channel(_pki.AnonymousClient());

        var reply = await SayAsync(anonymous, new EchoRequest { Text = "open" });

        Assert.Equal("open", reply.Text);
        Assert.Equal(string.Empty, reply.Peer);
    }

    [Fact]
    public async Task Many_concurrent_calls_on_one_channel_all_get_their_own_answer()
    {
        using var channel = _server.Channel(_pki.Client());

        var replies = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => SayAsync(channel, new EchoRequest { Text = $"call {i}" })));

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"call {i}"), replies.Select(r => r.Text));
        await WaitForAsync(() => _server.CallCount("secretfleet.test.v1.Echo/Say", "OK") == 300);
    }

    [Fact]
    public async Task Unknown_method_returns_UNIMPLEMENTED_and_the_server_keeps_serving()
    {
        using var channel = _server.Channel(_pki.Client());
        var unknown = new Method<EchoRequest, EchoReply>(MethodType.Unary, EchoService.ServiceName, "NoSuchMethod",
            Marshallers.Create<EchoRequest>(r => r.ToByteArray(), EchoRequest.Parser.ParseFrom), Marshallers.Create<EchoReply>(r => r.ToByteArray(), EchoReply.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(unknown, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await WaitForAsync(() => _server.CallCount(RpcMetricNames.UnknownMethod, "UNIMPLEMENTED") == 1);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Status_and_unicode_detail_thrown_by_a_handler_reach_the_client()
    {
        using var channel = _server.Channel(_pki.Client());
        const string detail = "secret 'ünïcødé' 100% gone\r\nsecond line ✓";

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { FailWith = (int)StatusCode.NotFound, FailDetail = detail }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(detail, error.Status.Detail);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Handler_exception_returns_UNKNOWN_without_the_exception_text()
    {
        using var channel = _server.Channel(_pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { ThrowException = true }));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain(EchoService.SecretInExceptions, error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(EchoService.SecretInExceptions, error.Message, StringComparison.Ordinal);
        Assert.Contains(_server.Logs.Entries, e => e.Exception is InvalidOperationException);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Client_deadline_returns_DEADLINE_EXCEEDED_and_cancels_the_handler_token()
    {
        using var channel = _server.Channel(_pki.Client());
        // Connected first: with the TLS handshake inside the deadline, a loaded machine let the
        // deadline pass before the call reached the server, and no handler ran to be cancelled.
        await AssertStillServesAsync(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { WaitForCancellation = true }, timeout: TimeSpan.FromSeconds(1)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        var context = await _server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(DateTime.MaxValue, context.Deadline);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Client_cancellation_throws_OperationCanceled_and_cancels_the_handler_token()
    {
        using var channel = _server.Channel(_pki.Client());
        using var cancellation = new CancellationTokenSource();

        var call = SayAsync(channel, new EchoRequest { WaitForCancellation = true }, cancellationToken: cancellation.Token);
        await _server.Echo.HandlerWaiting.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await _server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Request_over_the_server_limit_returns_RESOURCE_EXHAUSTED()
    {
        await using var small = await RpcTestServer.StartAsync(_pki.Node(), o => o.MaxReceiveMessageSize = 1024);
        using var channel = small.Channel(_pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { Payload = ByteString.CopyFrom(new byte[64 * 1024]) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var reply = await SayAsync(channel, new EchoRequest { Text = "small", Payload = ByteString.CopyFrom(new byte[512]) });
        Assert.Equal("small", reply.Text);
    }

    [Fact]
    public async Task Response_over_the_server_send_limit_returns_RESOURCE_EXHAUSTED()
    {
        await using var small = await RpcTestServer.StartAsync(_pki.Node(), o => o.MaxSendMessageSize = 1024);
        using var channel = small.Channel(_pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { ResponseBytes = 4096 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Response_over_the_client_receive_limit_fails_with_RESOURCE_EXHAUSTED()
    {
        using var channel = _server.Channel(_pki.Client(), o => o.MaxReceiveMessageBytes = 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { ResponseBytes = 4096 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Request_over_the_client_send_limit_fails_before_anything_is_sent()
    {
        using var channel = _server.Channel(_pki.Client(), o => o.MaxSendMessageBytes = 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }));

        // grpc-dotnet opens the stream before it serializes, so the server sees a call that
        // ends without a message; no handler runs.
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order_then_the_status()
    {
        using var channel = _server.Channel(_pki.Client());

        using var call = new Echo.EchoClient(channel).Count(new EchoRequest { Text = "n", Repeat = 50 }, deadline: DateTime.UtcNow.AddSeconds(10));
        var replies = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(Enumerable.Range(0, 50), replies.Select(r => r.Index));
    }

    [Fact]
    public async Task Server_streaming_error_after_messages_reaches_the_client_after_them()
    {
        using var channel = _server.Channel(_pki.Client());
        var received = new List<int>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = new Echo.EchoClient(channel).Count(new EchoRequest { Repeat = 3, FailWith = (int)StatusCode.Aborted, FailDetail = "epoch changed" }, deadline: DateTime.UtcNow.AddSeconds(10));
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                received.Add(reply.Index);
            }
        });

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("epoch changed", error.Status.Detail);
    }

    [Fact]
    public async Task Leaving_a_server_stream_early_cancels_the_handler()
    {
        using var channel = _server.Channel(_pki.Client());

        using (var call = new Echo.EchoClient(channel).Count(new EchoRequest { Repeat = 1, WaitForCancellation = true }, deadline: DateTime.UtcNow.AddSeconds(30)))
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(0, call.ResponseStream.Current.Index);
        }

        await _server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Server_metrics_count_calls_by_method_and_code_and_time_them()
    {
        using var channel = _server.Channel(_pki.Client());

        await SayAsync(channel, new EchoRequest());
        await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { FailWith = (int)StatusCode.NotFound }));

        await WaitForAsync(() => _server.CallCount("secretfleet.test.v1.Echo/Say", "NOT_FOUND") == 1 && _server.CallCount("secretfleet.test.v1.Echo/Say", "OK") == 1);
        await WaitForAsync(() => _server.Durations.GetValueOrDefault("secretfleet.test.v1.Echo/Say") == 2);
    }

    internal static async Task<EchoReply> SayAsync(GrpcChannel channel, EchoRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        return await new Echo.EchoClient(channel).SayAsync(request, deadline: DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10)), cancellationToken: cancellationToken)
            .ResultAsync(cancellationToken);
    }

    internal static async Task AssertStillServesAsync(GrpcChannel channel)
    {
        var reply = await SayAsync(channel, new EchoRequest { Text = "still here" });
        Assert.Equal("still here", reply.Text);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
