using Grpc.Core;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Hosting;
using SecretFleet.Node.Observability;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Services;

/// <summary>secretfleet.v1.Admin: node information (operators and clients) and fleet formation (operators).</summary>
internal sealed class AdminService(ShareStore store, EpochParticipant participant, StoreStatistics statistics, NodeOptions options) : Admin.AdminBase
{
    private static readonly string Version = typeof(AdminService).Assembly.GetName().Version?.ToString() ?? "0";

    public override Task<InfoResponse> Info(InfoRequest request, ServerCallContext context)
    {
        var state = store.State;
        var counts = statistics.Latest;
        var info = new InfoResponse
        {
            Cluster = options.Cluster, Ordinal = (uint)options.Ordinal, X = state.X, Threshold = (uint)state.FleetThreshold(options.Threshold),
            Epoch = state.Epoch, Secrets = (ulong)counts.Secrets, ShareRows = (ulong)counts.Rows, FleetId = state.FleetId, Version = Version,
        };
        if (participant.Current is { } op)
        {
            info.Operation = new OperationState { Id = op.Id, Kind = op.Kind, Phase = op.Phase, TargetEpoch = op.TargetEpoch };
        }
        return Task.FromResult(info);
    }

    public override async Task<JoinResponse> Join(JoinRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.FleetId) || request.FleetId.Length > 128)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, "fleet_id must be 1-128 characters.");
        }
        try
        {
            var state = await store.JoinAsync(request.FleetId, request.Epoch, context.GetFleetPeer()!.ToString(), context.CancellationToken).ConfigureAwait(false);
            return new JoinResponse { Epoch = state.Epoch };
        }
        catch (InvalidOperationException e)
        {
            throw RpcFailure.Of(StatusCode.FailedPrecondition, e.Message);
        }
    }
}
