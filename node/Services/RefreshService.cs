using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Services;

/// <summary>secretfleet.v1.Refresh: coordinator calls (role operator) and peer dealing (role node).</summary>
internal sealed class RefreshService(EpochParticipant participant)
{
    public const string Name = "secretfleet.v1.Refresh";

    public Task<BeginResponse> BeginAsync(BeginRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(async () => new BeginResponse
        {
            SnapshotPairs = (ulong)await participant.BeginAsync(request, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public Task<VerifyResponse> VerifyAsync(VerifyRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(async () =>
        {
            await participant.VerifyAsync(request.OperationId, context.CancellationToken).ConfigureAwait(false);
            return new VerifyResponse();
        });

    public Task<OperationStatusResponse> StatusAsync(OperationStatusRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(() => Task.FromResult(participant.Status(request.OperationId)));

    public Task<CommitResponse> CommitAsync(CommitRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(async () => new CommitResponse
        {
            Epoch = await participant.CommitAsync(request.OperationId, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public Task<AbortResponse> AbortAsync(AbortRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(async () => new AbortResponse
        {
            Epoch = await participant.AbortAsync(request.OperationId, request.Reason, request.ReasonCode, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public Task<DealResponse> DealAsync(DealRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(() => participant.DealAsync(request, context.CancellationToken));

    public Task<FetchRecoveredResponse> FetchRecoveredAsync(FetchRecoveredRequest request, RpcContext context) =>
        OperationStatusMapping.Guard(() => participant.FetchRecoveredAsync(request, context.CancellationToken));

    private static string Caller(RpcContext context) => context.Peer?.ToString() ?? "unknown";
}
