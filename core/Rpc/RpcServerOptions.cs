namespace SecretFleet.Core.Rpc;

/// <summary>Limits and policy of the server side of the wire layer (see <see cref="RpcServiceCollectionExtensions.AddRpc"/>).</summary>
public sealed class RpcServerOptions
{
    /// <summary>Largest request message accepted; bigger ones get RESOURCE_EXHAUSTED. gRPC's default: 4 MiB.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; a handler returning a bigger one fails with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// When set, a peer whose certificate identity is in another trust domain is refused with
    /// PERMISSION_DENIED (the TLS policy already refuses it; this holds if TLS is configured otherwise).
    /// </summary>
    public string? TrustDomain { get; set; }
}
