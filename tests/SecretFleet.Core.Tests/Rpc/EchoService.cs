using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>The test service: does what each request asks, and records what it saw.</summary>
internal sealed class EchoService : Echo.EchoBase
{
    public const string ServiceName = "secretfleet.test.v1.Echo";
    public const string SecretInExceptions = "share=0x5ec4e7";

    private readonly TaskCompletionSource<ServerCallContext> _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a waiting handler saw its token fire.</summary>
    public Task<ServerCallContext> HandlerCancelled => _cancelled.Task;

    /// <summary>Completes when a handler started waiting for cancellation.</summary>
    public Task HandlerWaiting => _waiting.Task;

    public override async Task<EchoReply> Say(EchoRequest request, ServerCallContext context)
    {
        if (request.ThrowException)
        {
            throw new InvalidOperationException($"database said {SecretInExceptions}");
        }

        if (request.FailWith != 0)
        {
            throw RpcFailure.Of((StatusCode)request.FailWith, request.FailDetail);
        }

        if (request.WaitForCancellation)
        {
            await WaitForCancellationAsync(context);
        }

        return Reply(request, context, 0);
    }

    public override async Task Count(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Repeat; i++)
        {
            await responseStream.WriteAsync(Reply(request, context, i), context.CancellationToken);
        }

        if (request.FailWith != 0)
        {
            throw RpcFailure.Of((StatusCode)request.FailWith, request.FailDetail);
        }

        if (request.WaitForCancellation)
        {
            await WaitForCancellationAsync(context);
        }
    }

    private async Task WaitForCancellationAsync(ServerCallContext context)
    {
        _waiting.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            _cancelled.TrySetResult(context);
            throw;
        }
    }

    private static EchoReply Reply(EchoRequest request, ServerCallContext context, int index) => new()
    {
        Text = request.Text,
        Payload = request.ResponseBytes > 0 ? ByteString.CopyFrom(new byte[request.ResponseBytes]) : request.Payload,
        Peer = context.GetFleetPeer()?.ToString() ?? string.Empty,
        HadDeadline = context.Deadline != DateTime.MaxValue,
        Index = index,
    };
}
