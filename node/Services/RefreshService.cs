using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Security;

namespace SecretFleet.Node.Services;

/// <summary>
/// secretfleet.v1.Refresh: coordinator calls (this fleet's operator only) and peer dealing (the
/// participant each dealing or masked value is meant for only).
/// </summary>
internal sealed class RefreshService(EpochParticipant participant, CallAuthorization authorization)
{
    public const string Name = "secretfleet.v1.Refresh";

    public Task<BeginResponse> BeginAsync(BeginRequest request, RpcContext context) =>
        FromOperator(context, () => participant.BeginAsync(request, Caller(context), context.CancellationToken));

    public Task<SnapshotPairsResponse> SnapshotPairsAsync(SnapshotPairsRequest request, RpcContext context) =>
        FromOperator(context, () => participant.SnapshotPairsAsync(request, context.CancellationToken));

    public Task<VerifyResponse> VerifyAsync(VerifyRequest request, RpcContext context) =>
        FromOperator(context, async () =>
        {
            await participant.VerifyAsync(request, context.CancellationToken).ConfigureAwait(false);
            return new VerifyResponse();
        });

    public Task<OperationStatusResponse> StatusAsync(OperationStatusRequest request, RpcContext context) =>
        FromOperator(context, () => Task.FromResult(participant.Status(request.OperationId)));

    public Task<CommitResponse> CommitAsync(CommitRequest request, RpcContext context) =>
        FromOperator(context, async () => new CommitResponse
        {
            Epoch = await participant.CommitAsync(request.OperationId, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public Task<AbortResponse> AbortAsync(AbortRequest request, RpcContext context) =>
        FromOperator(context, async () => new AbortResponse
        {
            Epoch = await participant.AbortAsync(request.OperationId, request.Reason, request.ReasonCode, Caller(context), context.CancellationToken).ConfigureAwait(false),
        });

    public Task<DealResponse> DealAsync(DealRequest request, RpcContext context) =>
        Guard(context, () => participant.DealAsync(request, context.Peer, context.CancellationToken));

    public Task<FetchRecoveredResponse> FetchRecoveredAsync(FetchRecoveredRequest request, RpcContext context) =>
        Guard(context, () => participant.FetchRecoveredAsync(request, context.Peer, context.CancellationToken));

    private Task<T> FromOperator<T>(RpcContext context, Func<Task<T>> call)
    {
        authorization.RequireOperator(context);
        return Guard(context, call);
    }

    private async Task<T> Guard<T>(RpcContext context, Func<Task<T>> call)
    {
        try
        {
            return await OperationStatusMapping.Guard(call).ConfigureAwait(false);
        }
        catch (OperationRejectedException e) when (e.Reason == OperationRejection.PermissionDenied)
        {
            throw authorization.Deny(context, e.Message);
        }
    }

    private static string Caller(RpcContext context) => context.Peer?.ToString() ?? "unknown";
}
