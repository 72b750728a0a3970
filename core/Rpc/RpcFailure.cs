using Grpc.Core;

namespace SecretFleet.Core.Rpc;

/// <summary>Shorthand for the <see cref="RpcException"/> a handler throws to answer with a status.</summary>
public static class RpcFailure
{
    /// <summary>An exception carrying <paramref name="code"/> and <paramref name="detail"/> (sent to the caller as <c>grpc-message</c>).</summary>
    public static RpcException Of(StatusCode code, string detail) => new(new Status(code, detail));
}
