using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Cli.Local;
using SecretFleet.Core.Scheduling;

namespace SecretFleet.Cli.Commands.Local;

/// <summary>
/// `local up`: creates a fleet (CA, certificates, node keys) the first time, starts whichever of
/// its node processes and coordinator are not running, forms a brand-new fleet, and makes it the
/// current fleet. Idempotent: on a running fleet it only says so.
/// </summary>
internal sealed class LocalUp(CommandContext context)
{
    public const string TrustDomain = "secretfleet.local";
    public const int DefaultNodes = 5;
    public const int DefaultThreshold = 3;
    public const string DefaultInterval = "10m";

    public async Task<int> RunAsync(LocalUpRequest request, CancellationToken cancellationToken)
    {
        var console = context.Host.Console;
        var time = context.Host.Time;
        var home = FleetHome.Resolve(console);
        var directory = LocalCommand.ResolveDirectory(request.Directory, home);
        var existing = FleetManifest.TryLoad(directory);
        var fleet = existing is null ? NewFleet(directory, request, time) : Reconcile(existing, request);
        _ = RefreshSchedule.FromInterval(fleet.RefreshInterval);
        var dead = fleet.Nodes.Where(n => !ProcessControl.IsAlive(n.Process)).ToList();
        var coordinatorAlive = ProcessControl.IsAlive(fleet.Coordinator?.Process);
        var scheduleChanged = existing is not null && existing.RefreshInterval != fleet.RefreshInterval;
        if (existing is not null && dead.Count == 0 && coordinatorAlive && !scheduleChanged)
        {
            home.MakeCurrent(directory);
            LocalUpView.Render(context.Output, fleet, LocalUpView.State.Running, []);
            return ExitCodes.Ok;
        }

        var binary = NodeBinaryLocator.Find(console);
        PrivateDirectory.Ensure(directory);
        fleet = fleet with { NodeBinary = binary };
        LocalNodeStarter.PrepareFiles(fleet, fleet.Nodes);
        if (coordinatorAlive)
        {
            // Nodes may move to other ports: the coordinator restarts with the new fleet.json.
            await ProcessControl.StopAsync(fleet.Coordinator!.Process, TimeSpan.FromSeconds(10), time, cancellationToken).ConfigureAwait(false);
        }
        if (!context.Output.IsJson && dead.Count > 0)
        {
            console.Error.WriteLine($"Starting {dead.Count} node{(dead.Count == 1 ? "" : "s")} of {fleet.FleetId} in {directory} ...");
        }
        foreach (var node in await LocalNodeStarter.StartAsync(fleet, dead, binary, time, cancellationToken).ConfigureAwait(false))
        {
            fleet = fleet.WithNode(node);
        }
        fleet.Save();

        using (await RefreshLock.AcquireAsync(directory, TimeSpan.FromMinutes(2), null, time, cancellationToken).ConfigureAwait(false))
        using (var coordinator = new LocalFleetCoordinator(fleet, time, NullLoggerFactory.Instance))
        {
            // Formation only for a brand-new fleet: a formed fleet whose nodes all lost their
            // data must not be silently replaced by an empty one.
            await coordinator.EnsureMembershipAsync(allowFormation: !fleet.Formed, cancellationToken).ConfigureAwait(false);
        }
        fleet = fleet with { Formed = true };
        fleet.Save();
        fleet = fleet with { Coordinator = await CoordinatorLauncher.StartAsync(fleet, time, cancellationToken).ConfigureAwait(false) };
        fleet.Save();
        home.MakeCurrent(directory);
        LocalUpView.Render(context.Output, fleet, existing is null ? LocalUpView.State.Created : LocalUpView.State.Started, [.. dead.Select(n => n.Ordinal)]);
        return ExitCodes.Ok;
    }

    private static FleetManifest NewFleet(string directory, LocalUpRequest request, TimeProvider time)
    {
        var nodes = request.Nodes ?? DefaultNodes;
        var threshold = request.Threshold ?? Math.Min(DefaultThreshold, nodes);
        if (nodes is < 1 or > 255)
        {
            throw CliException.Usage($"--nodes {nodes} is out of range; a fleet has 1 to 255 nodes.");
        }
        if (threshold < 1 || threshold > nodes)
        {
            throw CliException.Usage($"--threshold {threshold} must be from 1 to the number of nodes ({nodes}).");
        }
        return new FleetManifest
        {
            FleetId = $"local-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
            TrustDomain = TrustDomain,
            Threshold = threshold,
            RefreshInterval = GoDuration.Format(GoDuration.Parse(request.RefreshInterval ?? DefaultInterval, "--refresh-interval")),
            Directory = directory,
            CreatedAt = time.GetUtcNow(),
            Nodes = [.. Enumerable.Range(0, nodes).Select(i => new LocalNode { Ordinal = i, NodeDirectory = Path.Combine(directory, "nodes", $"node-{i}") })],
        };
    }

    private static FleetManifest Reconcile(FleetManifest existing, LocalUpRequest request)
    {
        if (request.Nodes is { } n && n != existing.Nodes.Count || request.Threshold is { } t && t != existing.Threshold)
        {
            throw CliException.Usage($"The fleet in {existing.Directory} has {existing.Nodes.Count} nodes and threshold {existing.Threshold}; use another --dir for a different fleet (or `local down --purge` to delete this one).");
        }
        var directory = existing.Directory;
        return existing with
        {
            RefreshInterval = request.RefreshInterval is { } interval ? GoDuration.Format(GoDuration.Parse(interval, "--refresh-interval")) : existing.RefreshInterval,
            // Rewritten on every start, so a moved directory keeps working.
            Nodes = [.. existing.Nodes.Select(node => node with { NodeDirectory = Path.Combine(directory, "nodes", $"node-{node.Ordinal}") })],
        };
    }
}
