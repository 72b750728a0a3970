namespace SecretFleet.Core.Rpc;

/// <summary>Sends the messages of a server-streaming call, one frame each, in order.</summary>
/// <typeparam name="T">The response message type.</typeparam>
public interface IRpcStreamWriter<in T>
{
    /// <summary>
    /// Writes and flushes one message. Throws <see cref="RpcException"/> when the message is over
    /// the size limit or the call has already ended (deadline, client gone).
    /// </summary>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken);
}
