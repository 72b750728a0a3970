using SecretFleet.Core.Epochs;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Epochs;

/// <summary>
/// The coordinator as the operator drives it, for one SecretCluster and one set of members. The real one is
/// core's <see cref="EpochCoordinator"/> over mTLS with the operator certificate and the status-backed log;
/// tests substitute their own.
/// </summary>
internal interface IFleetCoordinator : IDisposable
{
    Task<OperationOutcome?> ResumeAsync(FleetView fleet, CancellationToken cancellationToken);

    Task<IReadOnlyList<byte>> EnsureMembershipAsync(FleetView fleet, bool allowFormation, CancellationToken cancellationToken);

    Task<OperationOutcome> RecoverAsync(FleetView fleet, byte targetX, CancellationToken cancellationToken);

    Task<OperationOutcome> RefreshAsync(FleetView fleet, CancellationToken cancellationToken);

    /// <summary>Reshares every secret from <paramref name="fleet"/>'s members to <paramref name="newCommittee"/> with <paramref name="newThreshold"/> (<see cref="EpochCoordinator.ReshareAsync"/>).</summary>
    Task<OperationOutcome> ReshareAsync(FleetView fleet, IReadOnlyList<FleetMember> newCommittee, int newThreshold, CancellationToken cancellationToken);

    /// <summary>The epoch every reachable member is at, or null when they disagree or none answers.</summary>
    Task<ulong?> CommonEpochAsync(FleetView fleet, CancellationToken cancellationToken);
}

/// <summary>Connects a coordinator to a fleet: loads the operator's TLS material and opens channels to the members.</summary>
internal interface IFleetCoordinatorFactory
{
    /// <exception cref="FleetUnavailableException">The operator certificate is not there or not usable yet.</exception>
    Task<IFleetCoordinator> ConnectAsync(SecretCluster cluster, FleetView fleet, CancellationToken cancellationToken);
}

/// <summary>The operator cannot talk to a fleet yet (no usable operator certificate); the message says why.</summary>
internal sealed class FleetUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
