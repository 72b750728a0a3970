using Google.Protobuf;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>The coordinator's calls to nodes over mTLS gRPC, with an operator-role certificate.</summary>
public sealed class RpcNodeOperations : INodeOperations, IDisposable
{
    private const string Refresh = "secretfleet.v1.Refresh";
    private const string Admin = "secretfleet.v1.Admin";

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

    private Task<T> Call<TRequest, T>(FleetMember node, string service, string method, TRequest request, MessageParser<T> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where T : IMessage<T>
    {
        var channels = method is "Begin" or "Commit" or "Abort" ? _bulkChannels : _channels;
        return channels.CallAsync(channels.Nodes.First(n => n.X == node.X), service, method, request, parser, cancellationToken);
    }

    /// <inheritdoc />
    public Task<InfoResponse> InfoAsync(FleetMember node, CancellationToken cancellationToken) =>
        Call(node, Admin, "Info", new InfoRequest(), InfoResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task<JoinResponse> JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken) =>
        Call(node, Admin, "Join", request, JoinResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task<BeginResponse> BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken) =>
        Call(node, Refresh, "Begin", request, BeginResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotPairsResponse> SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken) =>
        Call(node, Refresh, "SnapshotPairs", request, SnapshotPairsResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken) =>
        Call(node, Refresh, "Verify", request, VerifyResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task<OperationStatusResponse> StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken) =>
        Call(node, Refresh, "Status", new OperationStatusRequest { OperationId = operationId }, OperationStatusResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task<CommitResponse> CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken) =>
        Call(node, Refresh, "Commit", new CommitRequest { OperationId = operationId }, CommitResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public Task<AbortResponse> AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken) =>
        Call(node, Refresh, "Abort", request, AbortResponse.Parser, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _channels.Dispose();
        _bulkChannels.Dispose();
    }
}
