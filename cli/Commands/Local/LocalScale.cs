using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Cli.Local;
using SecretFleet.Core.Epochs;

namespace SecretFleet.Cli.Commands.Local;

/// <summary>
/// `local scale --nodes N [--threshold T]`: changes a local fleet's size and threshold. Growing at the
/// same threshold rebuilds the new nodes' shares (share recovery); anything else is a resharing
/// (docs/protocol.md): new nodes are started first, every member deals to the new committee, and
/// only after commit do nodes that leave stop and lose their directory. An abort leaves the fleet
/// as it was and stops the nodes it started. The background coordinator is stopped meanwhile and
/// restarted with the new shape; a scale interrupted half-way is finished by the next one.
/// </summary>
internal sealed class LocalScale(CommandContext context)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    public async Task<int> RunAsync(string? dir, int nodes, int? threshold, CancellationToken cancellationToken)
    {
        if (nodes is < 1 or > 255)
        {
            throw CliException.Usage($"--nodes {nodes} is out of range; a fleet has 1 to 255 nodes.");
        }
        if (threshold is { } explicitThreshold && (explicitThreshold < 1 || explicitThreshold > nodes))
        {
            throw CliException.Usage($"--threshold {explicitThreshold} must be from 1 to the number of nodes ({nodes}).");
        }
        var time = context.Host.Time;
        var console = context.Host.Console;
        var directory = LocalCommand.ResolveDirectory(dir, FleetHome.Resolve(console));
        var fleet = FleetManifest.Load(directory);
        var target = new FleetShape(nodes, threshold ?? fleet.Threshold);
        if (target.Threshold > target.Nodes)
        {
            throw CliException.Usage($"{target.Nodes} nodes cannot keep threshold {fleet.Threshold}; give --threshold from 1 to {target.Nodes}.");
        }

        var binary = NodeBinaryLocator.Find(console);
        if (fleet.Coordinator is { } background)
        {
            // It would refresh over a fleet that is changing shape, with a view of the old one.
            await ProcessControl.StopAsync(background.Process, Grace, time, cancellationToken).ConfigureAwait(false);
            fleet = fleet with { Coordinator = null };
            fleet.Save();
        }
        OperationOutcome? outcome = null;
        var before = new FleetShape(fleet.Nodes.Count, fleet.Threshold);
        try
        {
            using (await RefreshLock.AcquireAsync(directory, TimeSpan.FromMinutes(2), null, time, cancellationToken).ConfigureAwait(false))
            {
                fleet = await FinishPendingAsync(fleet, time, cancellationToken).ConfigureAwait(false);
                before = new FleetShape(fleet.Nodes.Count, fleet.Threshold);
                if (before != target)
                {
                    (fleet, outcome) = target.Threshold == fleet.Threshold && target.Nodes > fleet.Nodes.Count
                        ? await GrowAsync(fleet, target, binary, time, cancellationToken).ConfigureAwait(false)
                        : await ReshareAsync(fleet, target, binary, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // Whatever happened, the fleet keeps its schedule (with the shape it now has).
            fleet = FleetManifest.Load(directory);
            fleet = fleet with { Coordinator = await CoordinatorLauncher.StartAsync(fleet, time, CancellationToken.None).ConfigureAwait(false) };
            fleet.Save();
        }
        return Report(fleet, before, target, outcome);
    }

    // New nodes at the same threshold: each one's shares are rebuilt from the members (no resharing needed).
    private async Task<(FleetManifest, OperationOutcome?)> GrowAsync(FleetManifest fleet, FleetShape target, string binary, TimeProvider time, CancellationToken cancellationToken)
    {
        var added = NewNodes(fleet, target);
        LocalNodeStarter.PrepareFiles(fleet, added);
        added = [.. await LocalNodeStarter.StartAsync(fleet, added, binary, time, cancellationToken).ConfigureAwait(false)];
        fleet = fleet with { Nodes = [.. fleet.Nodes, .. added] };
        fleet.Save();
        OperationOutcome? last = null;
        using var coordinator = new LocalFleetCoordinator(fleet, time, NullLoggerFactory.Instance);
        foreach (var node in added)
        {
            last = await coordinator.RecoverAsync((byte)node.X, cancellationToken).ConfigureAwait(false);
            if (!last.Committed)
            {
                // The node stays in the fleet; the background coordinator retries rebuilding it.
                break;
            }
        }
        return (fleet, last);
    }

    private async Task<(FleetManifest, OperationOutcome?)> ReshareAsync(FleetManifest fleet, FleetShape target, string binary, TimeProvider time, CancellationToken cancellationToken)
    {
        // Refused shapes (a fleet below 2t − 1) are refused before any node starts.
        EpochCoordinator.RequireReshareable(fleet.View);
        var joining = NewNodes(fleet, target);
        LocalNodeStarter.PrepareFiles(fleet, joining);
        if (joining.Count > 0 && !context.Output.IsJson)
        {
            context.Host.Console.Error.WriteLine($"Starting {joining.Count} new node{(joining.Count == 1 ? "" : "s")} ...");
        }
        joining = [.. await LocalNodeStarter.StartAsync(fleet, joining, binary, time, cancellationToken).ConfigureAwait(false)];
        fleet = fleet with { JoiningNodes = joining, PendingShape = target };
        fleet.Save();
        OperationOutcome outcome;
        using (var coordinator = new LocalFleetCoordinator(fleet, time, NullLoggerFactory.Instance))
        {
            try
            {
                outcome = await coordinator.ReshareAsync(target, null, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationRefusedException)
            {
                fleet = await ApplyAsync(fleet, committed: false, time).ConfigureAwait(false);
                throw;
            }
        }
        return (await ApplyAsync(fleet, outcome.Committed, time).ConfigureAwait(false), outcome);
    }

    // A resharing an earlier `local scale` started and did not see through: finish its recorded decision, then apply it.
    private static async Task<FleetManifest> FinishPendingAsync(FleetManifest fleet, TimeProvider time, CancellationToken cancellationToken)
    {
        if (fleet.PendingShape is null)
        {
            return fleet;
        }
        using (var coordinator = new LocalFleetCoordinator(fleet, time, NullLoggerFactory.Instance))
        {
            await coordinator.ResumeAsync(cancellationToken).ConfigureAwait(false);
        }
        var record = await new FileOperationLog(fleet.OperationLogFile).LoadAsync(cancellationToken).ConfigureAwait(false);
        var committed = record is { Kind: Core.Protos.OperationKind.Resharing, Decision: OperationDecision.Commit } && record.NewThreshold == fleet.PendingShape.Threshold
            && record.Receivers?.Count == fleet.PendingShape.Nodes;
        return await ApplyAsync(fleet, committed, time).ConfigureAwait(false);
    }

    // Commit: the new committee is the fleet; nodes that left stop and their directories (keys included) go.
    // Abort: the fleet stays; the nodes started for it stop and go.
    private static async Task<FleetManifest> ApplyAsync(FleetManifest fleet, bool committed, TimeProvider time)
    {
        var shape = fleet.PendingShape!;
        var all = fleet.Nodes.Concat(fleet.JoiningNodes).ToList();
        var stays = committed ? all.Where(n => n.Ordinal < shape.Nodes).ToList() : [.. fleet.Nodes];
        foreach (var gone in all.Except(stays))
        {
            if (gone.Process is { } process)
            {
                await ProcessControl.StopAsync(process, Grace, time, CancellationToken.None).ConfigureAwait(false);
            }
            if (Directory.Exists(gone.NodeDirectory))
            {
                Directory.Delete(gone.NodeDirectory, recursive: true);
            }
        }
        fleet = fleet with
        {
            Nodes = [.. stays.OrderBy(n => n.Ordinal)],
            Threshold = committed ? shape.Threshold : fleet.Threshold,
            JoiningNodes = [],
            PendingShape = null,
        };
        fleet.Save();
        return fleet;
    }

    private static List<LocalNode> NewNodes(FleetManifest fleet, FleetShape target) =>
        [.. Enumerable.Range(fleet.Nodes.Count, Math.Max(0, target.Nodes - fleet.Nodes.Count))
            .Select(i => new LocalNode { Ordinal = i, NodeDirectory = Path.Combine(fleet.Directory, "nodes", $"node-{i}") })];

    private int Report(FleetManifest fleet, FleetShape before, FleetShape target, OperationOutcome? outcome)
    {
        var output = context.Output;
        var changed = outcome is null ? before != target : outcome.Committed;
        if (output.IsJson)
        {
            output.WriteJson(new ScaleJson(fleet.FleetId, changed, before.Nodes, before.Threshold, fleet.Nodes.Count, fleet.Threshold,
                outcome?.OperationId, outcome?.Epoch, outcome?.Reason, [.. (outcome?.Culprits ?? []).Select(x => (int)x)]));
        }
        else if (outcome is null)
        {
            output.Line($"Local fleet {fleet.FleetId} already has {fleet.Nodes.Count} nodes and threshold {fleet.Threshold}.");
        }
        else if (outcome.Committed)
        {
            output.Line($"Local fleet {fleet.FleetId} is now {fleet.Threshold}-of-{fleet.Nodes.Count} (was {before.Threshold}-of-{before.Nodes}), epoch {outcome.Epoch}: {outcome.OperationId} in {outcome.Duration.TotalSeconds:F1} s.");
        }
        else
        {
            output.Line($"Local fleet {fleet.FleetId} stays {fleet.Threshold}-of-{fleet.Nodes.Count}: {outcome.OperationId} aborted: {outcome.Reason}"
                + (outcome.Culprits.Count > 0 ? $" Named: {string.Join(", ", outcome.Culprits.Select(x => $"node-{x - 1}"))}." : ""));
        }
        return outcome is { Committed: false } ? ExitCodes.Other : ExitCodes.Ok;
    }

    private sealed record ScaleJson(string FleetId, bool Changed, int NodesBefore, int ThresholdBefore, int Nodes, int Threshold,
        string? OperationId, ulong? Epoch, string? Reason, IReadOnlyList<int> Culprits);
}
