using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>The coordinator's calls to nodes over mTLS gRPC, with an operator-role certificate.</summary>
public sealed class RpcNodeOperations : INodeOperations, IDisposable
{
    // Begin snapshots, Commit rewrites and Abort drops one row per secret: minutes for millions.
    // Their deadline is generous so a busy node is not taken for a dead one.
    private static readonly TimeSpan BulkCallTimeout = TimeSpan.FromMinutes(15);
    private readonly NodeChannels _channels;
    private readonly NodeChannels _bulkChannels;

    /// <summary>Creates channels (lazily) to <paramref name="members"/> with the operator's TLS material.</summary>
    public RpcNodeOperations(IReadOnlyList<FleetMember> members, TlsMaterial tls, TimeSpan? callTimeout = null, TimeProvider? time = null)
    {
        if (tls.Identity.Role != FleetRole.Operator)
        {
            throw new ArgumentException($"The coordinator needs an operator certificate, not {tls.Identity}.", nameof(tls));
        }
        _channels = new NodeChannels(members, tls, callTimeout ?? TimeSpan.FromSeconds(30), time ?? TimeProvider.System);
        _bulkChannels = new NodeChannels(members, tls, BulkCallTimeout, time ?? TimeProvider.System);
    }

    // Begin, Commit and Abort go through the channels with the long deadline.
    private Task<T> Call<T>(FleetMember node, Func<NodeClient, CallOptions, AsyncUnaryCall<T>> call, bool bulk, CancellationToken cancellationToken)
    {
        var channels = bulk ? _bulkChannels : _channels;
        return channels.CallAsync(channels.Nodes.First(n => n.X == node.X), call, cancellationToken);
    }

    /// <inheritdoc />
    public Task<InfoResponse> InfoAsync(FleetMember node, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Admin.InfoAsync(new InfoRequest(), o), bulk: false, cancellationToken);

    /// <inheritdoc />
    public Task<JoinResponse> JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Admin.JoinAsync(request, o), bulk: false, cancellationToken);

    /// <inheritdoc />
    public Task<BeginResponse> BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Refresh.BeginAsync(request, o), bulk: true, cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotPairsResponse> SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Refresh.SnapshotPairsAsync(request, o), bulk: false, cancellationToken);

    /// <inheritdoc />
    public Task VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Refresh.VerifyAsync(request, o), bulk: false, cancellationToken);

    /// <inheritdoc />
    public Task<OperationStatusResponse> StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Refresh.StatusAsync(new OperationStatusRequest { OperationId = operationId }, o), bulk: false, cancellationToken);

    /// <inheritdoc />
    public Task<CommitResponse> CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Refresh.CommitAsync(new CommitRequest { OperationId = operationId }, o), bulk: true, cancellationToken);

    /// <inheritdoc />
    public Task<AbortResponse> AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken) =>
        Call(node, (c, o) => c.Refresh.AbortAsync(request, o), bulk: true, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _channels.Dispose();
        _bulkChannels.Dispose();
    }
}
