using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Commands.Local;

/// <summary>`local down`: stops the coordinator, then every node (SIGTERM, then SIGKILL); --purge deletes the directory.</summary>
internal sealed class LocalDown(CommandContext context)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    public async Task<int> RunAsync(string? dir, bool purge, CancellationToken cancellationToken)
    {
        var time = context.Host.Time;
        var home = FleetHome.Resolve(context.Host.Console);
        var directory = LocalCommand.ResolveDirectory(dir, home);
        var fleet = FleetManifest.Load(directory);
        // The coordinator first, so it does not start a refresh over nodes going away.
        var coordinatorStopped = fleet.Coordinator is not { } coordinator
            || await ProcessControl.StopAsync(coordinator.Process, Grace, time, cancellationToken).ConfigureAwait(false);
        var nodes = await Task.WhenAll(fleet.Nodes.Concat(fleet.JoiningNodes).Select(async node =>
            (node, Stopped: node.Process is null || await ProcessControl.StopAsync(node.Process, Grace, time, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        var survivors = nodes.Where(n => !n.Stopped).Select(n => $"{n.node.Name} (pid {n.node.Process!.Pid})").ToList();
        if (!coordinatorStopped)
        {
            survivors.Add($"the coordinator (pid {fleet.Coordinator!.Process.Pid})");
        }
        if (survivors.Count > 0)
        {
            throw CliException.Other($"Could not stop {string.Join(", ", survivors)}; stop {(survivors.Count == 1 ? "it" : "them")} by hand and run `kubectl secrets local down` again.");
        }
        var stopped = nodes.Count(n => n.node.Process is not null && n.Stopped);
        if (purge)
        {
            Directory.Delete(directory, recursive: true);
            home.ForgetIfCurrent(directory);
        }
        else
        {
            (fleet with
            {
                Coordinator = null,
                Nodes = [.. fleet.Nodes.Select(n => n with { Process = null })],
                JoiningNodes = [.. fleet.JoiningNodes.Select(n => n with { Process = null })],
            }).Save();
        }
        var output = context.Output;
        if (output.IsJson)
        {
            output.WriteJson(new DownJson(fleet.FleetId, directory, stopped, purge));
        }
        else
        {
            output.Line(purge
                ? $"Stopped local fleet {fleet.FleetId} and deleted {directory} with every share in it."
                : $"Stopped local fleet {fleet.FleetId}; its data stays in {directory} (`kubectl secrets local up` starts it again).");
        }
        return ExitCodes.Ok;
    }

    private sealed record DownJson(string FleetId, string Directory, int NodesStopped, bool Purged);
}
