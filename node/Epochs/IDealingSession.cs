using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>A dealer's side of one operation, as the participant serves it: refresh and recovery (<see cref="DealerSession"/>) or resharing (<see cref="ResharingDealerSession"/>).</summary>
internal interface IDealingSession : IDisposable
{
    string OperationId { get; }

    /// <summary>The pairs of the agreed snapshot this node does not hold (from Verify); dealing starts once they are known.</summary>
    void Agree(IReadOnlyList<SnapshotEntry> missing);

    /// <summary>Batch <paramref name="batch"/> of this dealing, for the receiver at <paramref name="receiverX"/>.</summary>
    Task<DealResponse> DealAsync(byte receiverX, ulong batch, CancellationToken cancellationToken);
}
