using System.Runtime.CompilerServices;
using Google.Protobuf;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// A gRPC client for one server over mutual TLS and HTTP/2. Thread-safe: share one channel per
/// server; concurrent calls are multiplexed as HTTP/2 streams, with more connections opened when
/// one is at its stream limit.
/// </summary>
public sealed class RpcChannel : IDisposable
{
    private readonly HttpClient http;
    private readonly RpcChannelOptions options;

    /// <summary>Creates the channel; connections open lazily on the first call.</summary>
    public RpcChannel(RpcChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address {options.Address} must be https://host:port: the fleet speaks gRPC only over mutual TLS.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxReceiveMessageBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSendMessageBytes);
        this.options = options;
        var handler = new SocketsHttpHandler
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
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The server address.</summary>
    public Uri Address => options.Address;

    /// <summary>Calls a unary method; throws <see cref="RpcException"/> with the call's status when it is not OK.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        string service, string method, TRequest request, MessageParser<TResponse> parser, RpcCallOptions options, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        RpcMethodInfo.Validate(service, method);
        var call = new RpcClientCall<TResponse>(http, this.options, $"/{service}/{method}", parser, options, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            await call.StartAsync(request).ConfigureAwait(false);
            var response = await call.ReadMessageAsync().ConfigureAwait(false)
                ?? throw new RpcException(RpcStatusCode.Unimplemented, $"{service}/{method} returned OK without a response message.");
            if (await call.ReadMessageAsync().ConfigureAwait(false) is not null)
            {
                throw new RpcException(RpcStatusCode.Unimplemented, $"{service}/{method} returned more than one response message to a unary call.");
            }

            return response;
        }
    }

    /// <summary>
    /// Calls a server-streaming method. The call starts at the first <c>MoveNextAsync</c>; leaving
    /// the loop early cancels it on the server. A non-OK status is thrown after the last message.
    /// </summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        string service, string method, TRequest request, MessageParser<TResponse> parser, RpcCallOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        RpcMethodInfo.Validate(service, method);
        var call = new RpcClientCall<TResponse>(http, this.options, $"/{service}/{method}", parser, options, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            await call.StartAsync(request).ConfigureAwait(false);
            while (await call.ReadMessageAsync().ConfigureAwait(false) is { } response)
            {
                yield return response;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => http.Dispose();
}
