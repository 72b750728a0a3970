using Grpc.Core;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
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

    private readonly Dictionary<byte, CallCoalescer<PutShareRequest, PutShareResponse>> _puts = [];
    private readonly Dictionary<byte, CallCoalescer<GetShareRequest, GetShareResponse>> _gets = [];
    private readonly long[] _unreachableUntil = new long[256];
    private int _rotation = -1;

    public IReadOnlyList<FleetMember> Nodes => nodes;

    /// <summary>One call to <paramref name="node"/>: <paramref name="call"/> picks the generated client method and passes the options on.</summary>
    public async Task<TResponse> CallAsync<TResponse>(FleetMember node, Func<NodeClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
    {
        var options = new CallOptions(deadline: (time.GetUtcNow() + callTimeout).UtcDateTime, cancellationToken: cancellationToken);
        return await call(_clients[node.X].Value, options).ResultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores one share on <paramref name="node"/>: alone, or with this client's other Puts to that
    /// node in one PutMany when several are in flight (<see cref="CallCoalescer{TRequest, TResponse}"/>).
    /// </summary>
    public Task<PutShareResponse> PutAsync(FleetMember node, PutShareRequest request, CancellationToken cancellationToken) =>
        Coalesced(_puts, node, static (client, request, options) => client.Shares.PutAsync(request, options),
            async (client, batch, options) =>
            {
                var request = new PutManyRequest();
                request.Puts.AddRange(batch);
                var response = await client.Shares.PutManyAsync(request, options).ResultAsync(CancellationToken.None).ConfigureAwait(false);
                return [.. response.Outcomes.Select(o => new BatchOutcome<PutShareResponse>(o.Stored, o.Failure))];
            },
            static request => request.Share.Length).CallAsync(request, cancellationToken);

    /// <summary>Reads one share from <paramref name="node"/>: alone, or with this client's other Gets to that node in one GetMany.</summary>
    public Task<GetShareResponse> GetAsync(FleetMember node, GetShareRequest request, CancellationToken cancellationToken) =>
        Coalesced(_gets, node, static (client, request, options) => client.Shares.GetAsync(request, options),
            async (client, batch, options) =>
            {
                var request = new GetManyRequest();
                request.Gets.AddRange(batch);
                var response = await client.Shares.GetManyAsync(request, options).ResultAsync(CancellationToken.None).ConfigureAwait(false);
                return [.. response.Outcomes.Select(o => new BatchOutcome<GetShareResponse>(o.Found, o.Failure))];
            },
            static request => request.Name.Length).CallAsync(request, cancellationToken);

    private CallCoalescer<TRequest, TResponse> Coalesced<TRequest, TResponse>(
        Dictionary<byte, CallCoalescer<TRequest, TResponse>> coalescers, FleetMember node,
        Func<NodeClient, TRequest, CallOptions, AsyncUnaryCall<TResponse>> one,
        Func<NodeClient, IReadOnlyList<TRequest>, CallOptions, Task<IReadOnlyList<BatchOutcome<TResponse>>>> many,
        Func<TRequest, int> bytesOf)
        where TResponse : class
    {
        lock (coalescers)
        {
            if (!coalescers.TryGetValue(node.X, out var coalescer))
            {
                coalescers[node.X] = coalescer = new CallCoalescer<TRequest, TResponse>(
                    (request, token) => CallAsync(node, (client, options) => one(client, request, options), token),
                    batch => BatchCallAsync(node, (client, options) => many(client, batch, options)),
                    bytesOf);
            }
            return coalescer;
        }
    }

    // A batch serves many callers, so no one caller's cancellation ends it; its deadline does.
    private Task<T> BatchCallAsync<T>(FleetMember node, Func<NodeClient, CallOptions, Task<T>> call) =>
        call(_clients[node.X].Value, new CallOptions(deadline: (time.GetUtcNow() + callTimeout).UtcDateTime));

    /// <summary>Calls every node at once; each answer is the response or the RpcException it failed with.</summary>
    public Task<NodeAnswer<TResponse>[]> FanOutAsync<TResponse>(Func<FleetMember, NodeClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken) =>
        FanOutAsync(nodes, call, cancellationToken);

    /// <summary>Calls the given nodes at once; a node that proves unreachable is left out of <see cref="PickQuorum"/> for a while.</summary>
    public Task<NodeAnswer<TResponse>[]> FanOutAsync<TResponse>(IEnumerable<FleetMember> targets, Func<FleetMember, NodeClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken) =>
        FanOutAsync(targets, node => CallAsync(node, (client, options) => call(node, client, options), cancellationToken), cancellationToken);

    /// <summary>Runs <paramref name="call"/> for every node at once, as the other fan-outs.</summary>
    public async Task<NodeAnswer<TResponse>[]> FanOutAsync<TResponse>(IEnumerable<FleetMember> targets, Func<FleetMember, Task<TResponse>> call, CancellationToken cancellationToken) =>
        await Task.WhenAll(targets.Select(async node =>
        {
            try
            {
                return new NodeAnswer<TResponse>(node, await call(node).ConfigureAwait(false), null);
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
