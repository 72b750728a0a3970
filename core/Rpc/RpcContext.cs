using Microsoft.AspNetCore.Http;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>What a handler knows about the call it serves.</summary>
/// <param name="method">The full method name, <c>package.Service/Method</c>.</param>
/// <param name="peer">The caller's identity from its client certificate, if it had one.</param>
/// <param name="deadline">When the caller stops waiting, from <c>grpc-timeout</c>.</param>
/// <param name="httpContext">The underlying HTTP/2 request (valid until the handler returns).</param>
/// <param name="cancellationToken">Cancelled at the deadline or when the caller goes away.</param>
public sealed class RpcContext(string method, FleetIdentity? peer, DateTimeOffset? deadline, HttpContext httpContext, CancellationToken cancellationToken)
{
    /// <summary>The full method name, <c>package.Service/Method</c>.</summary>
    public string Method { get; } = method;

    /// <summary>The caller's identity from its client certificate; null when it has none.</summary>
    public FleetIdentity? Peer { get; } = peer;

    /// <summary>When the caller stops waiting; null when it sent no <c>grpc-timeout</c>.</summary>
    public DateTimeOffset? Deadline { get; } = deadline;

    /// <summary>Cancelled at the deadline or when the caller cancels or disconnects. Pass it on.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The underlying HTTP/2 request, for what this type does not expose (headers, connection).</summary>
    public HttpContext HttpContext { get; } = httpContext;
}
