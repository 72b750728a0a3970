using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// n nodes with real stores and participants, a real coordinator, and an in-memory transport
/// between them: the whole epoch protocol without sockets. A stopped node is unreachable.
/// </summary>
internal sealed class InProcessFleet : INodeOperations, IAsyncDisposable
{
    public const string Owner = "spiffe://test.local/client/alice";
    public const string Operator = "spiffe://test.local/operator/coordinator";
    private readonly TempDirectory _dir = new();
    private readonly ConcurrentDictionary<byte, InProcessNode> _nodes = new();
    private readonly Dictionary<byte, byte[]> _keys = [];
    private readonly Dictionary<byte, IDealerTamper?> _tampers = [];
    private ulong _version;

    private InProcessFleet(int n, int threshold)
    {
        Threshold = threshold;
        View = new FleetView("fleet-test", threshold, [.. Enumerable.Range(1, n).Select(x => new FleetMember((byte)x, new Uri($"https://node-{x - 1}.test:7443"), $"node-{x - 1}.test", NodeIdentity((byte)x)))]);
        Log = new FileOperationLog(_dir.Combine("operation.json"));
        Coordinator = NewCoordinator();
    }

    public int Threshold { get; private set; }

    public const string TrustDomain = "test.local";

    public static FleetIdentity NodeIdentity(byte x) => new(TrustDomain, FleetRole.Node, $"node-{x - 1}");

    public FleetView View { get; private set; }

    public FileOperationLog Log { get; }

    public EpochCoordinator Coordinator { get; private set; }

    public InProcessNode this[byte x] => _nodes[x];

    /// <summary>Runs once node x began an operation (its snapshot is taken; tests write there).</summary>
    public Func<byte, Task>? AfterBegin { get; set; }

    /// <summary>Runs before a Begin reaches node x (tests write there, before its snapshot).</summary>
    public Func<byte, Task>? BeforeBegin { get; set; }

    /// <summary>Runs before a Verify reaches node x.</summary>
    public Func<byte, Task>? BeforeVerify { get; set; }

    /// <summary>Runs once node x took a Verify.</summary>
    public Func<byte, Task>? AfterVerify { get; set; }

    /// <summary>Sees every response a dealer (by x) serves, as the dealer holds it, before a receiver gets its copy.</summary>
    public Action<byte, DealResponse>? Dealt { get; set; }

    /// <summary>Runs before a Commit reaches node x (tests stop nodes there).</summary>
    public Func<byte, Task>? BeforeCommit { get; set; }

    /// <summary>Rewrites what a recovery helper (by x) answers the target's FetchRecovered, as a lying helper would.</summary>
    public Func<byte, FetchRecoveredResponse, FetchRecoveredResponse>? Fetched { get; set; }

    public static Task<InProcessFleet> StartAsync(int n, int threshold, byte cheatingDealer = 0, IDealerTamper? cheat = null) =>
        StartAsync(n, threshold, cheatingDealer == 0 ? [] : new Dictionary<byte, IDealerTamper> { [cheatingDealer] = cheat ?? new FlippedSubShare(cheatingDealer) });

    /// <summary>A fleet where each node in <paramref name="cheats"/> deals dishonestly its own way (colluders, when more than one).</summary>
    public static async Task<InProcessFleet> StartAsync(int n, int threshold, IReadOnlyDictionary<byte, IDealerTamper> cheats)
    {
        var fleet = new InProcessFleet(n, threshold);
        for (byte x = 1; x <= n; x++)
        {
            fleet._keys[x] = RandomNumberGenerator.GetBytes(NodeKey.KeyBytes);
            fleet._tampers[x] = cheats.GetValueOrDefault(x);
            await fleet.StartNodeAsync(x);
        }
        await fleet.Coordinator.EnsureMembershipAsync(fleet.View, allowFormation: true, CancellationToken.None);
        return fleet;
    }

    public EpochCoordinator NewCoordinator(CoordinatorOptions? options = null) =>
        Coordinator = new EpochCoordinator(this, Log, TimeProvider.System, NullLogger<EpochCoordinator>.Instance,
            options ?? new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(20), BatchBlocks = 640, FinishTimeout = TimeSpan.FromSeconds(2), NodeSilenceLimit = TimeSpan.FromSeconds(5) });

    public async Task StartNodeAsync(byte x)
    {
        if (!_keys.ContainsKey(x))
        {
            _keys[x] = RandomNumberGenerator.GetBytes(NodeKey.KeyBytes);
            _tampers[x] = null;
        }
        _nodes[x] = await InProcessNode.StartAsync(x, NodeIdentity(x), _dir.Combine($"node-{x - 1}"), _keys[x], new PeerLink(this, x), _tampers[x]);
    }

    public async Task StopNodeAsync(byte x)
    {
        if (_nodes.TryRemove(x, out var node))
        {
            await node.DisposeAsync();
        }
    }

    public async Task WipeNodeAsync(byte x)
    {
        await StopNodeAsync(x);
        Directory.Delete(_dir.Combine($"node-{x - 1}"), recursive: true);
        await StartNodeAsync(x);
    }

    /// <summary>Grows the fleet to <paramref name="n"/> members (new nodes start empty).</summary>
    public async Task GrowAsync(int n)
    {
        for (var x = (byte)(View.Members.Count + 1); x <= n; x++)
        {
            await StartNodeAsync(x);
        }
        View = View with { Members = [.. Enumerable.Range(1, n).Select(x => new FleetMember((byte)x, new Uri($"https://node-{x - 1}.test:7443"), $"node-{x - 1}.test", NodeIdentity((byte)x)))] };
    }

    public static FleetMember Member(byte x) => new(x, new Uri($"https://node-{x - 1}.test:7443"), $"node-{x - 1}.test", NodeIdentity(x));

    /// <summary>
    /// Reshares to nodes 1..<paramref name="n"/> with threshold <paramref name="threshold"/>: new nodes are started
    /// empty first; on commit the view becomes the new committee and nodes that left are stopped (their
    /// directories stay, for tests to search).
    /// </summary>
    public async Task<OperationOutcome> ReshareAsync(int n, int threshold)
    {
        for (var x = (byte)1; x <= n; x++)
        {
            if (!_nodes.ContainsKey(x))
            {
                await StartNodeAsync(x);
            }
        }
        var committee = Enumerable.Range(1, n).Select(x => Member((byte)x)).ToArray();
        var outcome = await Coordinator.ReshareAsync(View, committee, threshold, null, CancellationToken.None);
        if (outcome.Committed)
        {
            foreach (var left in View.Members.Where(m => m.X > n))
            {
                await StopNodeAsync(left.X);
            }
            View = View with { Threshold = threshold, Members = committee };
            Threshold = threshold;
        }
        return outcome;
    }

    public string DirectoryOf(byte x) => _dir.Combine($"node-{x - 1}");

    public async Task<SplitResult> StoreAsync(string name, byte[] secret)
    {
        var split = Shamir.Split(secret, Threshold, View.Members.Count);
        var version = Interlocked.Increment(ref _version);
        foreach (var share in split.Shares)
        {
            var result = await _nodes[share.X].Store.PutAsync(new ShareWrite(Owner, name, version, share.Value, split.Commitment, Threshold, false), CancellationToken.None);
            Assert.Equal(PutStatus.Stored, result.Status);
        }
        return split;
    }

    /// <summary>
    /// Seeds <paramref name="count"/> random 32-byte secrets straight into every node's store, one
    /// transaction per node (<see cref="ShareStore.ImportAsync"/>): thousands in a second, where
    /// storing them one by one takes a durable write each.
    /// </summary>
    public async Task<Dictionary<string, byte[]>> SeedAsync(int count)
    {
        var secrets = new Dictionary<string, byte[]>();
        var writes = _nodes.Keys.ToDictionary(x => x, _ => new List<ShareWrite>());
        for (var i = 0; i < count; i++)
        {
            var (name, secret) = ($"seeded-{i:D5}", RandomNumberGenerator.GetBytes(32));
            secrets[name] = secret;
            var split = Shamir.Split(secret, Threshold, View.Members.Count);
            var version = Interlocked.Increment(ref _version);
            foreach (var share in split.Shares)
            {
                writes[share.X].Add(new ShareWrite(Owner, name, version, share.Value, split.Commitment, Threshold, true));
            }
        }
        foreach (var (x, list) in writes)
        {
            Assert.Equal(count, await _nodes[x].Store.ImportAsync(list, CancellationToken.None));
        }
        return secrets;
    }

    /// <summary>Reads the shares of <paramref name="name"/> from the given nodes (all running ones by default).</summary>
    public async Task<IReadOnlyList<StoredShare>> ReadSharesAsync(string name, params byte[] xs)
    {
        var shares = new List<StoredShare>();
        foreach (var x in xs.Length > 0 ? xs : [.. _nodes.Keys.Order()])
        {
            var read = await _nodes[x].Store.GetAsync(Owner, name, 0, CancellationToken.None);
            Assert.Equal(ReadStatus.Found, read.Status);
            shares.Add(read.Share!);
        }
        return shares;
    }

    public async Task<byte[]> RecoverAsync(string name, params byte[] xs)
    {
        var shares = await ReadSharesAsync(name, xs);
        var picked = xs.Length > 0 ? xs : [.. _nodes.Keys.Order().Take(Threshold)];
        return Shamir.Combine([.. picked.Select((x, i) => new ShareValue(x, shares[i].Share))], shares[0].Commitment, Threshold);
    }

    private InProcessNode Reach(byte x) =>
        _nodes.TryGetValue(x, out var node) ? node : throw new IOException($"node x {x} is down");

    private static byte XOf(string endpoint) => (byte)(int.Parse(new Uri(endpoint).Host.Split('.')[0]["node-".Length..]) + 1);

    /// <summary>Node <paramref name="caller"/>'s calls to its peers, made with its own identity as mTLS would carry it.</summary>
    private sealed class PeerLink(InProcessFleet fleet, byte caller) : IPeerTransport
    {
        // Each receiver gets its own copy of the sub-shares, as it would over the wire.
        public async Task<DealResponse> DealAsync(ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken)
        {
            var served = await AsOverTheWire(dealer, "Deal", () => fleet.Reach(XOf(dealer.Endpoint)).Participant.DealAsync(request, NodeIdentity(caller), cancellationToken));
            fleet.Dealt?.Invoke(XOf(dealer.Endpoint), served);
            return SubShareBuffers.Detach(served);
        }

        // A peer's own verdict on a third node does not cross the wire: a caller sees only that the
        // call failed (RpcPeerTransport), so it must not name anyone for it here either.
        private static async Task<T> AsOverTheWire<T>(ParticipantInfo peer, string method, Func<Task<T>> call)
        {
            try
            {
                return await call();
            }
            catch (DealerMisbehavedException e)
            {
                throw new OperationRejectedException(OperationRejection.Unavailable, $"Peer x {peer.X} answered {method} with UNKNOWN: {e.Message}");
            }
        }

        public async Task<FetchRecoveredResponse> FetchRecoveredAsync(ParticipantInfo helper, FetchRecoveredRequest request, CancellationToken cancellationToken)
        {
            var served = await RetryWhileUnavailableAsync(() => fleet.Reach(XOf(helper.Endpoint)).Participant.FetchRecoveredAsync(request, NodeIdentity(caller), cancellationToken), cancellationToken);
            return fleet.Fetched?.Invoke(XOf(helper.Endpoint), served) ?? served;
        }

        public async Task<DealMaskResponse> DealMaskAsync(ParticipantInfo dealer, DealMaskRequest request, CancellationToken cancellationToken) =>
            (await AsOverTheWire(dealer, "DealMask", () => fleet.Reach(XOf(dealer.Endpoint)).Participant.DealMaskAsync(request, NodeIdentity(caller), cancellationToken))).Clone();

        public Task<DealerDigestsResponse> DealerDigestsAsync(ParticipantInfo dealer, DealerDigestsRequest request, CancellationToken cancellationToken) =>
            AsOverTheWire(dealer, "DealerDigests", () => fleet.Reach(XOf(dealer.Endpoint)).Participant.DealerDigestsAsync(request, NodeIdentity(caller), cancellationToken));
    }

    private static async Task<T> RetryWhileUnavailableAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call();
            }
            catch (OperationRejectedException e) when (e.Reason == OperationRejection.Unavailable)
            {
                await Task.Delay(10, cancellationToken);
            }
        }
    }

    async Task<InfoResponse> INodeOperations.InfoAsync(FleetMember node, CancellationToken cancellationToken)
    {
        var target = Reach(node.X);
        var state = target.Store.State;
        var info = new InfoResponse { X = state.X, Ordinal = (uint)(state.X - 1), Epoch = state.Epoch, FleetId = state.FleetId, Threshold = (uint)Threshold };
        if (target.Participant.Current is { } op)
        {
            info.Operation = new OperationState { Id = op.Id, Kind = op.Kind, Phase = op.Phase, TargetEpoch = op.TargetEpoch };
        }
        await Task.Yield();
        return info;
    }

    async Task<JoinResponse> INodeOperations.JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken)
    {
        var state = await Reach(node.X).Store.JoinAsync(request.FleetId, request.Epoch, Operator, cancellationToken);
        return new JoinResponse { Epoch = state.Epoch };
    }

    async Task<BeginResponse> INodeOperations.BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken)
    {
        if (BeforeBegin is { } before)
        {
            await before(node.X);
        }
        var begun = await Reach(node.X).Participant.BeginAsync(request, Operator, cancellationToken);
        if (AfterBegin is { } hook)
        {
            await hook(node.X);
        }
        return begun;
    }

    Task<SnapshotPairsResponse> INodeOperations.SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken) =>
        Reach(node.X).Participant.SnapshotPairsAsync(request, cancellationToken);

    async Task INodeOperations.VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken)
    {
        if (BeforeVerify is { } before)
        {
            await before(node.X);
        }
        await Reach(node.X).Participant.VerifyAsync(request, cancellationToken);
        if (AfterVerify is { } after)
        {
            await after(node.X);
        }
    }

    Task<OperationStatusResponse> INodeOperations.StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken) =>
        Task.FromResult(Reach(node.X).Participant.Status(operationId));

    async Task<CommitResponse> INodeOperations.CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken)
    {
        if (BeforeCommit is { } hook)
        {
            await hook(node.X);
        }
        // As over the network, a caller that gives up stops waiting while the node goes on.
        return new() { Epoch = await Reach(node.X).Participant.CommitAsync(operationId, Operator, cancellationToken).WaitAsync(cancellationToken) };
    }

    async Task<AbortResponse> INodeOperations.AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken) =>
        new() { Epoch = await Reach(node.X).Participant.AbortAsync(request.OperationId, request.Reason, request.ReasonCode, Operator, cancellationToken).WaitAsync(cancellationToken) };

    public async ValueTask DisposeAsync()
    {
        foreach (var x in _nodes.Keys.ToArray())
        {
            await StopNodeAsync(x);
        }
        _dir.Dispose();
    }
}
