using k8s.Models;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Epochs;

/// <summary>
/// core's <see cref="EpochCoordinator"/> over <see cref="RpcNodeOperations"/>, authenticated with the Secret
/// <c>NAME-operator-tls</c> read through the API (it is not mounted: one operator serves many clusters),
/// logging to <c>status.refresh</c>.
/// </summary>
internal sealed class RpcFleetCoordinatorFactory(IKubeApi api, CoordinatorOptions coordinatorOptions, TimeProvider time, ILoggerFactory loggers) : IFleetCoordinatorFactory
{
    public async Task<IFleetCoordinator> ConnectAsync(SecretCluster cluster, FleetView fleet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = ChildNames.Of(cluster);
        var secret = await api.GetAsync<V1Secret>(names.Namespace, names.OperatorTlsSecret, cancellationToken).ConfigureAwait(false)
            ?? throw new FleetUnavailableException($"Secret {names.Namespace}/{names.OperatorTlsSecret} (the operator certificate) does not exist yet; cert-manager issues it from Certificate {names.OperatorCertificate}.");
        var tls = Load(secret, names, time);
        try
        {
            var operations = new RpcNodeOperations(fleet.Members, tls, time: time);
            var log = new StatusOperationLog(api, names.Namespace, names.Cluster, time, loggers.CreateLogger<StatusOperationLog>());
            var coordinator = new EpochCoordinator(operations, log, time, loggers.CreateLogger<EpochCoordinator>(), coordinatorOptions);
            return new RpcFleetCoordinator(coordinator, operations, tls);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    private static TlsMaterial Load(V1Secret secret, ChildNames names, TimeProvider time)
    {
        string Pem(string key) =>
            secret.Data is { } data && data.TryGetValue(key, out var bytes) && bytes.Length > 0
                ? System.Text.Encoding.UTF8.GetString(bytes)
                : throw new FleetUnavailableException($"Secret {names.Namespace}/{names.OperatorTlsSecret} has no {key} yet; the operator signs it at its next reconcile (with spec.issuerRef, cert-manager issues Certificate {names.OperatorCertificate}).");

        try
        {
            return TlsMaterial.FromPem(Pem(TlsMaterial.CertificateFileName), Pem(TlsMaterial.PrivateKeyFileName), Pem(TlsMaterial.CertificateAuthorityFileName), time);
        }
        catch (TlsMaterialException e)
        {
            throw new FleetUnavailableException($"Secret {names.Namespace}/{names.OperatorTlsSecret} is not usable: {e.Message}", e);
        }
    }

    private sealed class RpcFleetCoordinator(EpochCoordinator coordinator, RpcNodeOperations operations, TlsMaterial tls) : IFleetCoordinator
    {
        public Task<OperationOutcome?> ResumeAsync(FleetView fleet, CancellationToken cancellationToken) =>
            coordinator.ResumeAsync(fleet, cancellationToken);

        public Task<IReadOnlyList<byte>> EnsureMembershipAsync(FleetView fleet, bool allowFormation, CancellationToken cancellationToken) =>
            coordinator.EnsureMembershipAsync(fleet, allowFormation, cancellationToken);

        public Task<OperationOutcome> RecoverAsync(FleetView fleet, byte targetX, CancellationToken cancellationToken) =>
            coordinator.RecoverAsync(fleet, targetX, null, cancellationToken);

        public Task<OperationOutcome> RefreshAsync(FleetView fleet, CancellationToken cancellationToken) =>
            coordinator.RefreshAsync(fleet, null, cancellationToken);

        public Task<OperationOutcome> ReshareAsync(FleetView fleet, IReadOnlyList<FleetMember> newCommittee, int newThreshold, CancellationToken cancellationToken) =>
            coordinator.ReshareAsync(fleet, newCommittee, newThreshold, null, cancellationToken);

        public async Task<ulong?> CommonEpochAsync(FleetView fleet, CancellationToken cancellationToken)
        {
            var epochs = await Task.WhenAll(fleet.Members.Select(async member =>
            {
                try
                {
                    var info = await operations.InfoAsync(member, cancellationToken).ConfigureAwait(false);
                    return info.FleetId == fleet.FleetId ? info.Epoch : (ulong?)null;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            })).ConfigureAwait(false);
            var known = epochs.Where(e => e is not null).Distinct().ToList();
            return known.Count == 1 ? known[0] : null;
        }

        public void Dispose()
        {
            operations.Dispose();
            tls.Dispose();
        }
    }
}
