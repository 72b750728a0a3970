using Grpc.Net.Client;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// Opens the one <see cref="GrpcChannel"/> SecretFleet keeps per server: mutual TLS with the
/// fleet policy (<see cref="TlsOptions.CreateClientOptions"/>: TLS 1.3, the fleet CA only, the
/// host name checked, our certificate offered, optionally the exact server identity pinned),
/// HTTP/2 with extra connections when one is at its stream limit, message-size limits, request
/// messages zeroed once sent (<see cref="FleetHttpHandler"/>).
/// </summary>
public static class FleetChannel
{
    /// <summary>Creates the channel; connections open lazily on the first call. Dispose it with its owner.</summary>
    public static GrpcChannel Create(RpcChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address {options.Address} must be https://host:port: the fleet speaks gRPC only over mutual TLS.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxReceiveMessageBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSendMessageBytes);
        var sockets = new SocketsHttpHandler
        {
            SslOptions = TlsOptions.CreateClientOptions(options.Tls, options.TlsServerName ?? options.Address.IdnHost, options.ExpectedServerRole, options.Logger, options.ExpectedServerIdentity),
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            // Pings find a dead peer (pod gone without FIN) instead of waiting for the deadline.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            // We dial pod IPs directly: an HTTP(S)_PROXY from the environment must not interfere.
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        // One address per channel, so nothing to balance: with this switch (the one grpc-dotnet's
        // maintainers point to, grpc-dotnet#2312) SocketsHttpHandler opens and pools its own
        // connections instead of grpc-dotnet taking them over through a connect callback and a
        // wrapper around each connection's stream. grpc-dotnet's passive pick still runs per call.
        sockets.Properties["__GrpcLoadBalancingDisabled"] = true;
        return GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = new FleetHttpHandler(sockets, options.TlsServerName),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageBytes,
            MaxSendMessageSize = options.MaxSendMessageBytes,
            // Off: with it on, a passed deadline would surface as OperationCanceledException too.
            // Callers turn CANCELLED caused by their own token into OperationCanceledException.
            ThrowOperationCanceledOnCancellation = false,
            LoggerFactory = options.LoggerFactory,
        });
    }
}
