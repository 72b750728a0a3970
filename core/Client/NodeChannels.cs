using Grpc.Core;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

/// <summary>
/// One mTLS channel per node, created on first use, pinned to the identity the fleet view names
/// for that node; every call carries a deadline and the caller's cancellation.
/// </summary>
internal sealed class NodeChannels(IReadOnlyList<FleetMember> nodes, TlsMaterial tls, TimeSpan callTimeout, TimeProvider time, TimeSpan unreachableBackoff = default) : IDisposable
{
    private readonly Dictionary<byte, Lazy<NodeClient>> _clients = nodes.ToDictionary(n => n.X, n => new Lazy<NodeClient>(() => new NodeClient(FleetChannel.Create(new RpcChannelOptions
    {
        Address = n.Endpoint,
        Tls = tls,
        TlsServerName = n.TlsName,
        ExpectedServerRole = FleetRole.Node,
        ExpectedServerIdentity = n.Identity,
        MaxReceiveMessageBytes = 16 * 1024 * 1024,
    }))));

    private readonly long[] _unreachableUntil = new long[256];
    private int _rotation = -1;

    public IReadOnlyList<FleetMember> Nodes => nodes;

    /// <summary>One call to <paramref name="node"/>: <paramref name="call"/> picks the generated client method and passes the options on.</summary>
    public async Task<TResponse> CallAsync<TResponse>(FleetMember node, Func<NodeClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
    {
        var options = new CallOptions(deadline: (time.GetUtcNow() + callTimeout).UtcDateTime, cancellationToken: cancellationToken);
        return await call(_clients[node.X].Value, options).ResultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls every node at once; each answer is the response or the RpcException it failed with.</summary>
    public Task<NodeAnswer<TResponse>[]> FanOutAsync<TResponse>(Func<FleetMember, NodeClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken) =>
        FanOutAsync(nodes, call, cancellationToken);

    /// <summary>Calls the given nodes at once; a node that proves unreachable is left out of <see cref="PickQuorum"/> for a while.</summary>
    public async Task<NodeAnswer<TResponse>[]> FanOutAsync<TResponse>(IEnumerable<FleetMember> targets, Func<FleetMember, NodeClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken) =>
        await Task.WhenAll(targets.Select(async node =>
        {
            try
            {
                return new NodeAnswer<TResponse>(node, await CallAsync(node, (client, options) => call(node, client, options), cancellationToken).ConfigureAwait(false), null);
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
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}

/// <summary>One node's answer in a fan-out: a response or the error it failed with.</summary>
internal sealed record NodeAnswer<T>(FleetMember Node, T? Response, RpcException? Error)
{
    public bool Ok => Error is null;

    public bool Is(StatusCode code) => Error?.StatusCode == code;

    /// <summary>The status message the node (or the channel) gave, or the bare status code when it gave none.</summary>
    public string? Detail => Error is null ? null : Error.Status.Detail is { Length: > 0 } detail ? detail : Error.StatusCode.ToWireName();

    /// <summary>No usable answer for reasons of reachability (down, timed out, not serving reads yet).</summary>
    public bool Unreachable => Error?.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled;
}
