using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Local;
using SecretFleet.Cli.Output;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Targets;

/// <summary>A local fleet from its fleet.json; `refresh` runs the coordinator in this process, under the fleet's lock.</summary>
internal sealed class LocalTarget : FleetTarget
{
    private readonly FleetManifest _fleet;
    private readonly TimeProvider _time;
    private readonly TlsMaterial _client;

    private LocalTarget(FleetManifest fleet, TlsMaterial client, TimeProvider time)
    {
        _fleet = fleet;
        _client = client;
        _time = time;
    }

    public override string Description => $"local fleet {_fleet.FleetId} ({_fleet.Directory})";

    public override string Kind => "local";

    public override FleetView View => _fleet.View;

    public override TlsMaterial ClientTls => _client;

    public FleetManifest Fleet => _fleet;

    public static LocalTarget Open(string directory, string? client, TimeProvider time)
    {
        var fleet = FleetManifest.Load(directory);
        if (!fleet.Nodes.Any(n => ProcessControl.IsAlive(n.Process)))
        {
            throw CliException.NotEnoughNodes($"The local fleet in {fleet.Directory} is stopped; start it with `kubectl secrets local up`.");
        }
        return new LocalTarget(fleet, new LocalPki(fleet.Directory).LoadClient(client ?? LocalPki.DefaultClient), time);
    }

    protected override Task<FleetView> ReadViewAsync(CancellationToken cancellationToken) => Task.FromResult(FleetManifest.Load(_fleet.Directory).View);

    public override Uri? MetricsUrl(FleetMember member) => _fleet.Nodes.FirstOrDefault(n => n.X == member.X)?.MetricsUrl;

    public override Task<RefreshTimes> RefreshTimesAsync(CancellationToken cancellationToken)
    {
        var history = RefreshHistory.Load(_fleet.Directory);
        var coordinatorRunning = ProcessControl.IsAlive(_fleet.Coordinator?.Process);
        var next = coordinatorRunning ? CoordinatorState.Load(_fleet.Directory)?.NextRefresh : null;
        var note = coordinatorRunning ? null : "the background coordinator is not running: no scheduled refresh (run `kubectl secrets local up`)";
        return Task.FromResult(new RefreshTimes(history.LastRefresh, next, null, $"every {_fleet.RefreshInterval}", note));
    }

    public override async Task<RefreshReport> RefreshAsync(RefreshRequest request, IProgress<RefreshProgress>? progress, CancellationToken cancellationToken)
    {
        using var refreshLock = await RefreshLock.AcquireAsync(_fleet.Directory, request.Timeout, request.Waiting, _time, cancellationToken).ConfigureAwait(false);
        using var coordinator = new LocalFleetCoordinator(_fleet, _time, NullLoggerFactory.Instance);
        var before = (await coordinator.EpochsAsync(cancellationToken).ConfigureAwait(false)).Values.Max();
        var relay = progress is null ? null : new SyncProgress<OperationProgress>(p => progress.Report(new RefreshProgress(p.Phase, p.PairsDone, p.PairsTotal)));
        var outcome = await LocalRefreshRun.RunAsync(coordinator, relay, _time, cancellationToken).ConfigureAwait(false);
        return new RefreshReport(true, outcome.Committed, outcome.OperationId, before, outcome.Epoch,
            string.IsNullOrEmpty(outcome.Reason) ? null : outcome.Reason, outcome.Pairs, outcome.Duration, null);
    }
}
