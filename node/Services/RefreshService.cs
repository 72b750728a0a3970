using Grpc.Core;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Services;

/// <summary>
/// secretfleet.v1.Refresh: coordinator calls and peer dealing. Who may call which method is
/// <see cref="Security.CallAuthorization"/>'s, applied before these run; the participant still
/// refuses data meant for another participant, which the interceptor audits as a denial.
/// </summary>
internal sealed class RefreshService(EpochParticipant participant) : Refresh.RefreshBase
{
    public override Task<BeginResponse> Begin(BeginRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => participant.BeginAsync(request, Caller(context), context.CancellationToken));

    public override Task<SnapshotPairsResponse> SnapshotPairs(SnapshotPairsRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => participant.SnapshotPairsAsync(request, context.CancellationToken));

    public override Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(async () =>
        {
            await participant.VerifyAsync(request, context.CancellationToken).ConfigureAwait(false);
            return new VerifyResponse();
        });

    public override Task<OperationStatusResponse> Status(OperationStatusRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => Task.FromResult(participant.Status(request.OperationId)));

    public override Task<CommitResponse> Commit(CommitRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(async () => new CommitResponse
        {
            Epoch = await participant.CommitAsync(request.OperationId, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public override Task<AbortResponse> Abort(AbortRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(async () => new AbortResponse
        {
            Epoch = await participant.AbortAsync(request.OperationId, request.Reason, request.ReasonCode, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public override Task<DealResponse> Deal(DealRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => participant.DealAsync(request, context.GetFleetPeer(), context.CancellationToken));

    public override Task<FetchRecoveredResponse> FetchRecovered(FetchRecoveredRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => participant.FetchRecoveredAsync(request, context.GetFleetPeer(), context.CancellationToken));

    public override Task<DealMaskResponse> DealMask(DealMaskRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => participant.DealMaskAsync(request, context.GetFleetPeer(), context.CancellationToken));

    public override Task<DealerDigestsResponse> DealerDigests(DealerDigestsRequest request, ServerCallContext context) =>
        OperationStatusMapping.Guard(() => participant.DealerDigestsAsync(request, context.GetFleetPeer(), context.CancellationToken));

    private static string Caller(ServerCallContext context) => context.GetFleetPeer()?.ToString() ?? "unknown";
}
