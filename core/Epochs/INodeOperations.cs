using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>The coordinator's calls to one node (Admin and Refresh services, role operator).</summary>
public interface INodeOperations
{
    /// <summary>Admin/Info.</summary>
    Task<InfoResponse> InfoAsync(FleetMember node, CancellationToken cancellationToken);

    /// <summary>Admin/Join: first formation of a fleet only.</summary>
    Task<JoinResponse> JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken);

    /// <summary>Refresh/Begin.</summary>
    Task<BeginResponse> BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken);

    /// <summary>Refresh/SnapshotPairs: a dealer's snapshot pairs in some key buckets.</summary>
    Task<SnapshotPairsResponse> SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken);

    /// <summary>Refresh/Verify, with the pairs of the agreed snapshot this dealer lacks.</summary>
    Task VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken);

    /// <summary>Refresh/Status.</summary>
    Task<OperationStatusResponse> StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken);

    /// <summary>Refresh/Commit.</summary>
    Task<CommitResponse> CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken);

    /// <summary>Refresh/Abort.</summary>
    Task<AbortResponse> AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken);
}
