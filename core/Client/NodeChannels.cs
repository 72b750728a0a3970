using Google.Protobuf;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

/// <summary>One mTLS channel per node, created on first use; every call carries a deadline.</summary>
internal sealed class NodeChannels(IReadOnlyList<FleetMember> nodes, TlsMaterial tls, TimeSpan callTimeout, TimeProvider time, TimeSpan unreachableBackoff = default) : IDisposable
{
    private readonly Dictionary<byte, Lazy<RpcChannel>> _channels = nodes.ToDictionary(n => n.X, n => new Lazy<RpcChannel>(() => new RpcChannel(new RpcChannelOptions
    {
        Address = n.Endpoint,
        Tls = tls,
        TlsServerName = n.TlsName,
        ExpectedServerRole = FleetRole.Node,
        ExpectedServerIdentity = n.Identity,
        TimeProvider = time,
        MaxReceiveMessageBytes = 16 * 1024 * 1024,
    })));

    private readonly long[] _unreachableUntil = new long[256];
    private int _rotation = -1;

    public IReadOnlyList<FleetMember> Nodes => nodes;

    public Task<TResponse> CallAsync<TRequest, TResponse>(FleetMember node, string service, string method, TRequest request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        _channels[node.X].Value.UnaryAsync(service, method, request, parser, new RpcCallOptions(callTimeout), cancellationToken);

    /// <summary>Calls every node at once; each answer is the response or the RpcException it failed with.</summary>
    public Task<NodeAnswer<TResponse>[]> FanOutAsync<TRequest, TResponse>(string service, string method, Func<FleetMember, TRequest> request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        FanOutAsync(nodes, service, method, request, parser, cancellationToken);

    /// <summary>Calls the given nodes at once; a node that proves unreachable is left out of <see cref="PickQuorum"/> for a while.</summary>
    public async Task<NodeAnswer<TResponse>[]> FanOutAsync<TRequest, TResponse>(IEnumerable<FleetMember> targets, string service, string method, Func<FleetMember, TRequest> request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        await Task.WhenAll(targets.Select(async node =>
        {
            try
            {
                return new NodeAnswer<TResponse>(node, await CallAsync(node, service, method, request(node), parser, cancellationToken).ConfigureAwait(false), null);
            }
            catch (RpcException e)
            {
                var answer = new NodeAnswer<TResponse>(node, default, e);
                if (answer.Unreachable && !cancellationToken.IsCancellationRequested)
                {
                    Volatile.Write(ref _unreachableUntil[node.X], (time.GetUtcNow() + unreachableBackoff).UtcTicks);
                }
                return answer;
            }
        })).ConfigureAwait(false);

    /// <summary>
    /// <paramref name="size"/> nodes, taken in turn from a rotating start so reads spread over the
    /// fleet, leaving out nodes that were unreachable within the backoff; null when too few
    /// remain (then every node should be asked).
    /// </summary>
    public FleetMember[]? PickQuorum(int size)
    {
        var now = time.GetUtcNow().UtcTicks;
        var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)nodes.Count);
        var picked = new List<FleetMember>(size);
        for (var i = 0; i < nodes.Count && picked.Count < size; i++)
        {
            var node = nodes[(start + i) % nodes.Count];
            if (Volatile.Read(ref _unreachableUntil[node.X]) <= now)
            {
                picked.Add(node);
            }
        }
        return picked.Count == size ? [.. picked] : null;
    }

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
