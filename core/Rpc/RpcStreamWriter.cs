using Google.Protobuf;

namespace SecretFleet.Core.Rpc;

internal sealed class RpcStreamWriter<T>(RpcServerCall call) : IRpcStreamWriter<T>
    where T : IMessage<T>
{
    public ValueTask WriteAsync(T message, CancellationToken cancellationToken) =>
        call.WriteMessageAsync(message, flush: true, cancellationToken);
}
