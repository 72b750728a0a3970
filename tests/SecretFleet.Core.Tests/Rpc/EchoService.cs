using Google.Protobuf;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Rpc.Protos;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>The test service: does what each request asks, and records what it saw.</summary>
internal sealed class EchoService
{
    public const string ServiceName = "secretfleet.test.v1.Echo";
    public const string SecretInExceptions = "share=0x5ec4e7";

    private readonly TaskCompletionSource<RpcContext> cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a waiting handler saw its token fire.</summary>
    public Task<RpcContext> HandlerCancelled => cancelled.Task;

    /// <summary>Completes when a handler started waiting for cancellation.</summary>
    public Task HandlerWaiting => waiting.Task;

    public async Task<EchoReply> SayAsync(EchoRequest request, RpcContext context)
    {
        if (request.ThrowException)
        {
            throw new InvalidOperationException($"database said {SecretInExceptions}");
        }

        if (request.FailWith != 0)
        {
            throw new RpcException((RpcStatusCode)request.FailWith, request.FailDetail);
        }

        if (request.WaitForCancellation)
        {
            waiting.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(context);
                throw;
            }
        }

        return Reply(request, context, 0);
    }

    public async Task CountAsync(EchoRequest request, IRpcStreamWriter<EchoReply> writer, RpcContext context)
    {
        for (var i = 0; i < request.Repeat; i++)
        {
            await writer.WriteAsync(Reply(request, context, i), context.CancellationToken);
        }

        if (request.FailWith != 0)
        {
            throw new RpcException((RpcStatusCode)request.FailWith, request.FailDetail);
        }

        if (request.WaitForCancellation)
        {
            waiting.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(context);
                throw;
            }
        }
    }

    private static EchoReply Reply(EchoRequest request, RpcContext context, int index) => new()
    {
        Text = request.Text,
        Payload = request.ResponseBytes > 0 ? ByteString.CopyFrom(new byte[request.ResponseBytes]) : request.Payload,
        Peer = context.Peer?.ToString() ?? string.Empty,
        HadDeadline = context.Deadline is not null,
        Index = index,
    };
}
