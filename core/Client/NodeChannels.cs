using Google.Protobuf;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

/// <summary>One mTLS channel per node, created on first use; every call carries a deadline.</summary>
internal sealed class NodeChannels(IReadOnlyList<FleetMember> nodes, TlsMaterial tls, TimeSpan callTimeout, TimeProvider time) : IDisposable
{
    private readonly Dictionary<byte, Lazy<RpcChannel>> _channels = nodes.ToDictionary(n => n.X, n => new Lazy<RpcChannel>(() => new RpcChannel(new RpcChannelOptions
    {
        Address = n.Endpoint,
        Tls = tls,
        TlsServerName = n.TlsName,
        ExpectedServerRole = FleetRole.Node,
        TimeProvider = time,
        MaxReceiveMessageBytes = 16 * 1024 * 1024,
    })));

    public IReadOnlyList<FleetMember> Nodes => nodes;

    public Task<TResponse> CallAsync<TRequest, TResponse>(FleetMember node, string service, string method, TRequest request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        _channels[node.X].Value.UnaryAsync(service, method, request, parser, new RpcCallOptions(callTimeout), cancellationToken);

    /// <summary>Calls every node at once; each answer is the response or the RpcException it failed with.</summary>
    public async Task<NodeAnswer<TResponse>[]> FanOutAsync<TRequest, TResponse>(string service, string method, Func<FleetMember, TRequest> request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        await Task.WhenAll(nodes.Select(async node =>
        {
            try
            {
                return new NodeAnswer<TResponse>(node, await CallAsync(node, service, method, request(node), parser, cancellationToken).ConfigureAwait(false), null);
            }
            catch (RpcException e)
            {
                return new NodeAnswer<TResponse>(node, default, e);
            }
        })).ConfigureAwait(false);

    public void Dispose()
    {
        foreach (var channel in _channels.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }
}

/// <summary>One node's answer in a fan-out: a response or the error it failed with.</summary>
internal sealed record NodeAnswer<T>(FleetMember Node, T? Response, RpcException? Error)
{
    public bool Ok => Error is null;

    public bool Is(RpcStatusCode code) => Error?.StatusCode == code;

    /// <summary>No usable answer for reasons of reachability (down, timed out, not serving reads yet).</summary>
    public bool Unreachable => Error?.StatusCode is RpcStatusCode.Unavailable or RpcStatusCode.DeadlineExceeded or RpcStatusCode.Cancelled;
}
