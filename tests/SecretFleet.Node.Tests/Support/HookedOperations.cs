using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Tests.Support;

/// <summary>The coordinator's real node calls, with hooks at protocol points where tests inject failures.</summary>
internal sealed class HookedOperations(INodeOperations inner) : INodeOperations
{
    public Func<byte, Task>? AfterBegin { get; set; }

    public Func<byte, Task>? AfterVerify { get; set; }

    public Func<byte, Task>? BeforeCommit { get; set; }

    public Task<InfoResponse> InfoAsync(FleetMember node, CancellationToken cancellationToken) => inner.InfoAsync(node, cancellationToken);

    public Task<JoinResponse> JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken) => inner.JoinAsync(node, request, cancellationToken);

    public async Task<BeginResponse> BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken)
    {
        var begun = await inner.BeginAsync(node, request, cancellationToken);
        if (AfterBegin is { } hook)
        {
            await hook(node.X);
        }
        return begun;
    }

    public Task<SnapshotPairsResponse> SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken) => inner.SnapshotPairsAsync(node, request, cancellationToken);

    public async Task VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken)
    {
        await inner.VerifyAsync(node, request, cancellationToken);
        if (AfterVerify is { } hook)
        {
            await hook(node.X);
        }
    }

    public Task<OperationStatusResponse> StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken) => inner.StatusAsync(node, operationId, cancellationToken);

    public async Task<CommitResponse> CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken)
    {
        if (BeforeCommit is { } hook)
        {
            await hook(node.X);
        }
        return await inner.CommitAsync(node, operationId, cancellationToken);
    }

    public Task<AbortResponse> AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken) => inner.AbortAsync(node, request, cancellationToken);
}
