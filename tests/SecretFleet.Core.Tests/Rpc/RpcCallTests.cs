using Google.Protobuf;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Identity;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

[Trait("Category", "Integration")]
public sealed class RpcCallTests : IAsyncLifetime
{
    private static readonly RpcCallOptions TenSeconds = new(TimeSpan.FromSeconds(10));
    private readonly TestPki pki = new();
    private RpcTestServer server = null!;

    public async Task InitializeAsync() => server = await RpcTestServer.StartAsync(pki.Node());

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        pki.Dispose();
    }

    [Fact]
    public async Task Unary_call_round_trips_a_message_and_the_server_sees_the_caller_identity()
    {
        using var channel = server.Channel(pki.Client());

        var reply = await SayAsync(channel, new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("\0bytes\xff") });

        Assert.Equal("hello", reply.Text);
        Assert.Equal(ByteString.CopyFromUtf8("\0bytes\xff"), reply.Payload);
        Assert.Equal("spiffe://fleet.test/client/alice", reply.Peer);
        Assert.True(reply.HadDeadline);
    }

    [Fact]
    public async Task Many_concurrent_calls_on_one_channel_all_get_their_own_answer()
    {
        using var channel = server.Channel(pki.Client());

        var replies = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => SayAsync(channel, new EchoRequest { Text = $"call {i}" })));

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"call {i}"), replies.Select(r => r.Text));
        Assert.Equal(300, server.CallCount("secretfleet.test.v1.Echo/Say", "OK"));
    }

    [Fact]
    public async Task Unknown_method_returns_UNIMPLEMENTED_and_the_server_keeps_serving()
    {
        using var channel = server.Channel(pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            EchoService.ServiceName, "NoSuchMethod", new EchoRequest(), EchoReply.Parser, TenSeconds, CancellationToken.None));

        Assert.Equal(RpcStatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("NoSuchMethod", error.Detail, StringComparison.Ordinal);
        Assert.Equal(1, server.CallCount(RpcMetricNames.UnknownMethod, "UNIMPLEMENTED"));
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Status_and_detail_thrown_by_a_handler_reach_the_client_percent_encoded_and_back()
    {
        using var channel = server.Channel(pki.Client());
        const string detail = "secret 'ünïcødé' 100% gone\r\nsecond line ✓";

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { FailWith = (int)RpcStatusCode.NotFound, FailDetail = detail }));

        Assert.Equal(RpcStatusCode.NotFound, error.StatusCode);
        Assert.Equal(detail, error.Detail);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Handler_exception_returns_UNKNOWN_with_a_generic_message_and_logs_the_exception()
    {
        using var channel = server.Channel(pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { ThrowException = true }));

        Assert.Equal(RpcStatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain(EchoService.SecretInExceptions, error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(EchoService.SecretInExceptions, error.Message, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, e => e.Event.Id == 1200 && e.Exception is InvalidOperationException);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Client_deadline_returns_DEADLINE_EXCEEDED_and_cancels_the_handler_token()
    {
        var clientClock = new ManualTimeProvider();
        using var channel = server.Channel(pki.Client(), o => o.TimeProvider = clientClock);

        var call = SayAsync(channel, new EchoRequest { WaitForCancellation = true }, timeout: TimeSpan.FromSeconds(30));
        await server.Echo.HandlerWaiting.WaitAsync(TimeSpan.FromSeconds(10));
        clientClock.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(RpcStatusCode.DeadlineExceeded, error.StatusCode);
        var context = await server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(context.Deadline);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Server_deadline_ends_the_call_with_DEADLINE_EXCEEDED_and_cancels_the_handler_token()
    {
        var serverClock = new ManualTimeProvider();
        await using var timed = await RpcTestServer.StartAsync(pki.Node(), time: serverClock);
        using var channel = timed.Channel(pki.Client());

        var call = SayAsync(channel, new EchoRequest { WaitForCancellation = true }, timeout: TimeSpan.FromSeconds(30));
        await timed.Echo.HandlerWaiting.WaitAsync(TimeSpan.FromSeconds(10));
        serverClock.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(RpcStatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("deadline", error.Detail, StringComparison.Ordinal);
        await timed.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, timed.CallCount("secretfleet.test.v1.Echo/Say", "DEADLINE_EXCEEDED"));
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Client_cancellation_throws_OperationCanceled_and_cancels_the_handler_token()
    {
        using var channel = server.Channel(pki.Client());
        using var cancellation = new CancellationTokenSource();

        var call = SayAsync(channel, new EchoRequest { WaitForCancellation = true }, cancellationToken: cancellation.Token);
        await server.Echo.HandlerWaiting.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertStillServesAsync(channel);
        await WaitForAsync(() => server.CallCount("secretfleet.test.v1.Echo/Say", "CANCELLED") == 1);
    }

    [Fact]
    public async Task Request_over_the_server_limit_returns_RESOURCE_EXHAUSTED()
    {
        await using var small = await RpcTestServer.StartAsync(pki.Node(), o => o.MaxReceiveMessageBytes = 1024);
        using var channel = small.Channel(pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { Payload = ByteString.CopyFrom(new byte[64 * 1024]) }));

        Assert.Equal(RpcStatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("1024", error.Detail, StringComparison.Ordinal);
        var reply = await SayAsync(channel, new EchoRequest { Text = "small", Payload = ByteString.CopyFrom(new byte[512]) });
        Assert.Equal("small", reply.Text);
    }

    [Fact]
    public async Task Response_over_the_server_send_limit_returns_RESOURCE_EXHAUSTED()
    {
        await using var small = await RpcTestServer.StartAsync(pki.Node(), o => o.MaxSendMessageBytes = 1024);
        using var channel = small.Channel(pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { ResponseBytes = 4096 }));

        Assert.Equal(RpcStatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Response_over_the_client_receive_limit_fails_with_RESOURCE_EXHAUSTED()
    {
        using var channel = server.Channel(pki.Client(), o => o.MaxReceiveMessageBytes = 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { ResponseBytes = 4096 }));

        Assert.Equal(RpcStatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Request_over_the_client_send_limit_fails_before_anything_is_sent()
    {
        using var channel = server.Channel(pki.Client(), o => o.MaxSendMessageBytes = 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }));

        Assert.Equal(RpcStatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task Role_restricted_method_refuses_other_roles_with_PERMISSION_DENIED()
    {
        using var node = server.Channel(pki.Node("node-1"));
        using var client = server.Channel(pki.Client());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(node, new EchoRequest { Text = "x" }, "SayAsClient"));
        var allowed = await SayAsync(client, new EchoRequest { Text = "x" }, "SayAsClient");

        Assert.Equal(RpcStatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("role client", error.Detail, StringComparison.Ordinal);
        Assert.Equal("x", allowed.Text);
    }

    [Fact]
    public async Task Role_restricted_method_refuses_a_certificate_without_identity_with_UNAUTHENTICATED()
    {
        using var anonymous = server.Channel(pki.AnonymousClient());

        var error = await Assert.ThrowsAsync<RpcException>(() => SayAsync(anonymous, new EchoRequest(), "SayAsClient"));
        var open = await SayAsync(anonymous, new EchoRequest { Text = "open" });

        Assert.Equal(RpcStatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("open", open.Text);
        Assert.Equal(string.Empty, open.Peer);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order_then_the_status()
    {
        using var channel = server.Channel(pki.Client());

        var replies = await channel.ServerStreamingAsync(EchoService.ServiceName, "Count", new EchoRequest { Text = "n", Repeat = 50 }, EchoReply.Parser, TenSeconds, CancellationToken.None)
            .ToListAsync();

        Assert.Equal(Enumerable.Range(0, 50), replies.Select(r => r.Index));
    }

    [Fact]
    public async Task Server_streaming_error_after_messages_reaches_the_client_after_them()
    {
        using var channel = server.Channel(pki.Client());
        var received = new List<int>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            var request = new EchoRequest { Repeat = 3, FailWith = (int)RpcStatusCode.Aborted, FailDetail = "epoch changed" };
            await foreach (var reply in channel.ServerStreamingAsync(EchoService.ServiceName, "Count", request, EchoReply.Parser, TenSeconds, CancellationToken.None))
            {
                received.Add(reply.Index);
            }
        });

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(RpcStatusCode.Aborted, error.StatusCode);
        Assert.Equal("epoch changed", error.Detail);
    }

    [Fact]
    public async Task Leaving_a_server_stream_early_cancels_the_handler()
    {
        using var channel = server.Channel(pki.Client());

        var request = new EchoRequest { Repeat = 1, WaitForCancellation = true };
        await foreach (var reply in channel.ServerStreamingAsync(EchoService.ServiceName, "Count", request, EchoReply.Parser, TenSeconds, CancellationToken.None))
        {
            Assert.Equal(0, reply.Index);
            break;
        }

        await server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertStillServesAsync(channel);
    }

    [Fact]
    public async Task Server_metrics_count_calls_by_method_and_code_and_time_them()
    {
        using var channel = server.Channel(pki.Client());

        await SayAsync(channel, new EchoRequest());
        await Assert.ThrowsAsync<RpcException>(() => SayAsync(channel, new EchoRequest { FailWith = (int)RpcStatusCode.NotFound }));

        Assert.Equal(1, server.CallCount("secretfleet.test.v1.Echo/Say", "OK"));
        Assert.Equal(1, server.CallCount("secretfleet.test.v1.Echo/Say", "NOT_FOUND"));
        Assert.Equal(2, server.Durations["secretfleet.test.v1.Echo/Say"]);
    }

    internal static Task<EchoReply> SayAsync(
        RpcChannel channel, EchoRequest request, string method = "Say", TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        channel.UnaryAsync(EchoService.ServiceName, method, request, EchoReply.Parser, new RpcCallOptions(timeout ?? TimeSpan.FromSeconds(10)), cancellationToken);

    internal static async Task AssertStillServesAsync(RpcChannel channel)
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
