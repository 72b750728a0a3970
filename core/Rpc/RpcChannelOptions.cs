using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>Where and how a channel made by <see cref="FleetChannel.Create"/> connects.</summary>
public sealed class RpcChannelOptions
{
    /// <summary>The server, <c>https://host:port</c> (we usually dial a pod IP).</summary>
    public required Uri Address { get; init; }

    /// <summary>Our certificate and the cluster CA; the channel does not dispose it.</summary>
    public required TlsMaterial Tls { get; init; }

    /// <summary>
    /// The name the server certificate must be valid for, when it differs from the address's host:
    /// we dial <c>10.42.0.7</c> but verify <c>demo-0.demo-nodes.ns.svc</c>. Sent as SNI and <c>:authority</c>.
    /// </summary>
    public string? TlsServerName { get; init; }

    /// <summary>When set, the server's certificate must carry an identity of this role (e.g. only nodes serve shares).</summary>
    public FleetRole? ExpectedServerRole { get; init; }

    /// <summary>When set, the server's certificate must carry exactly this identity (the node we mean to dial, not just any node).</summary>
    public FleetIdentity? ExpectedServerIdentity { get; init; }

    /// <summary>Largest response message accepted; bigger ones fail the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; bigger ones fail with RESOURCE_EXHAUSTED before anything is sent.</summary>
    public int MaxSendMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long to wait for TCP and TLS set-up before the call fails with UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where TLS rejections of the server are logged.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>grpc-dotnet's own client logs (call start, status); none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
