using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Hosting;
using SecretFleet.Node.Observability;
using SecretFleet.Node.Security;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Services;

/// <summary>secretfleet.v1.Admin: node information (operators and clients) and fleet formation (operators).</summary>
internal sealed class AdminService(ShareStore store, EpochParticipant participant, StoreStatistics statistics, NodeOptions options, CallAuthorization authorization)
{
    public const string Name = "secretfleet.v1.Admin";
    private static readonly string Version = typeof(AdminService).Assembly.GetName().Version?.ToString() ?? "0";

    public Task<InfoResponse> InfoAsync(InfoRequest request, RpcContext context)
    {
        if (context.Peer?.Role != FleetRole.Client && context.Peer != authorization.Operator)
        {
            throw authorization.Deny(context, $"Admin/Info is served to clients and to this fleet's operator {authorization.Operator}.");
        }
        var state = store.State;
        var counts = statistics.Latest;
        var info = new InfoResponse
        {
            Cluster = options.Cluster, Ordinal = (uint)options.Ordinal, X = state.X, Threshold = (uint)options.Threshold,
            Epoch = state.Epoch, Secrets = (ulong)counts.Secrets, ShareRows = (ulong)counts.Rows, FleetId = state.FleetId, Version = Version,
        };
        if (participant.Current is { } op)
        {
            info.Operation = new OperationState { Id = op.Id, Kind = op.Kind, Phase = op.Phase, TargetEpoch = op.TargetEpoch };
        }
        return Task.FromResult(info);
    }

    public async Task<JoinResponse> JoinAsync(JoinRequest request, RpcContext context)
    {
        authorization.RequireOperator(context);
        if (string.IsNullOrWhiteSpace(request.FleetId) || request.FleetId.Length > 128)
        {
            throw new RpcException(RpcStatusCode.InvalidArgument, "fleet_id must be 1-128 characters.");
        }
        try
        {
            var state = await store.JoinAsync(request.FleetId, request.Epoch, context.Peer!.ToString(), context.CancellationToken).ConfigureAwait(false);
            return new JoinResponse { Epoch = state.Epoch };
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(RpcStatusCode.FailedPrecondition, e.Message);
        }
    }
}
