using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Local;

/// <summary>
/// The core <see cref="EpochCoordinator"/> wired to a local fleet: the operator certificate, the
/// nodes from fleet.json, the decision log in <c>operation.json</c>. Callers hold the
/// <see cref="RefreshLock"/> around every operation.
/// </summary>
internal sealed class LocalFleetCoordinator : IDisposable
{
    private static readonly CoordinatorOptions LocalTiming = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        OperationTimeout = TimeSpan.FromMinutes(10),
        NodeSilenceLimit = TimeSpan.FromSeconds(15),
        FinishTimeout = TimeSpan.FromSeconds(15),
    };

    private readonly TlsMaterial _tls;
    private readonly RpcNodeOperations _operations;
    private readonly EpochCoordinator _coordinator;

    public LocalFleetCoordinator(FleetManifest fleet, TimeProvider time, ILoggerFactory loggers)
    {
        Fleet = fleet;
        _tls = new LocalPki(fleet.Directory).LoadOperator();
        _operations = new RpcNodeOperations(fleet.OperationView.Members, _tls, TimeSpan.FromSeconds(15), time);
        _coordinator = new EpochCoordinator(_operations, new FileOperationLog(fleet.OperationLogFile), time, loggers.CreateLogger<EpochCoordinator>(), LocalTiming);
    }

    public FleetManifest Fleet { get; }

    public Task<IReadOnlyList<byte>> EnsureMembershipAsync(bool allowFormation, CancellationToken cancellationToken) =>
        _coordinator.EnsureMembershipAsync(Fleet.View, allowFormation, cancellationToken);

    // A resharing left open names its joining nodes too.
    public Task<OperationOutcome?> ResumeAsync(CancellationToken cancellationToken) => _coordinator.ResumeAsync(Fleet.OperationView, cancellationToken);

    /// <summary>Reshares to the nodes of ordinals below <paramref name="shape"/>'s count (members and joining nodes) at its threshold.</summary>
    public Task<OperationOutcome> ReshareAsync(FleetShape shape, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        _coordinator.ReshareAsync(Fleet.View, [.. Fleet.OperationView.Members.Where(m => m.Ordinal < shape.Nodes)], shape.Threshold, progress, cancellationToken);

    public Task<OperationOutcome> RefreshAsync(IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        _coordinator.RefreshAsync(Fleet.View, progress, cancellationToken);

    public Task<OperationOutcome> RecoverAsync(byte x, CancellationToken cancellationToken) =>
        _coordinator.RecoverAsync(Fleet.View, x, null, cancellationToken);

    /// <summary>Each node's epoch, or null for a node that does not answer.</summary>
    public async Task<IReadOnlyDictionary<byte, ulong?>> EpochsAsync(CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(Fleet.View.Members.Select(async m =>
        {
            try
            {
                var info = await _operations.InfoAsync(m, cancellationToken).ConfigureAwait(false);
                return (m.X, Epoch: (ulong?)info.Epoch);
            }
            catch (Grpc.Core.RpcException)
            {
                return (m.X, Epoch: null);
            }
        })).ConfigureAwait(false);
        return answers.ToDictionary(a => a.X, a => a.Epoch);
    }

    public void Dispose()
    {
        _operations.Dispose();
        _tls.Dispose();
    }
}
