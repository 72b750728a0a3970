using System.Globalization;
using SecretFleet.Cli.Local;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Local;

/// <summary>`local status`: which processes of the local fleet run, on which ports, with which logs (no network calls).</summary>
internal sealed class LocalStatus(CommandContext context)
{
    public int Run(string? dir)
    {
        var home = FleetHome.Resolve(context.Host.Console);
        var directory = LocalCommand.ResolveDirectory(dir, home);
        var fleet = FleetManifest.Load(directory);
        var current = home.CurrentFleetDirectory() is { } c && Path.GetFullPath(c) == directory;
        var nodes = fleet.Nodes.Select(n => new NodeJson(n.Ordinal, n.GrpcEndpoint.ToString().TrimEnd('/'), n.MetricsUrl.ToString(), n.Process?.Pid, ProcessControl.IsAlive(n.Process), n.LogFile)).ToArray();
        var coordinator = new CoordinatorJson(fleet.Coordinator?.Process.Pid, ProcessControl.IsAlive(fleet.Coordinator?.Process), fleet.CoordinatorLogFile,
            CoordinatorState.Load(directory)?.NextRefresh);
        var running = nodes.Count(n => n.Running);
        var state = running == nodes.Length && coordinator.Running ? "running" : running == 0 && !coordinator.Running ? "stopped" : "degraded";
        var output = context.Output;
        if (output.IsJson)
        {
            output.WriteJson(new LocalStatusJson(state, fleet.FleetId, directory, current, fleet.Threshold, nodes.Length, fleet.RefreshInterval, RefreshHistory.Load(directory).LastRefresh, nodes, coordinator));
            return ExitCodes.Ok;
        }
        output.Line($"Local fleet {fleet.FleetId} is {state}: {running} of {nodes.Length} nodes running, threshold {fleet.Threshold}, refresh every {fleet.RefreshInterval}{(current ? " (current fleet)" : "")}.");
        output.Line($"Directory {directory}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("PROCESS").AddColumn("PID").AddColumn("RUNNING").AddColumn("ENDPOINT").AddColumn("LOG");
        foreach (var node in nodes)
        {
            table.AddRow($"node-{node.Ordinal}", Pid(node.Pid), node.Running ? "[green]yes[/]" : "[red]no[/]", node.Endpoint, Markup.Escape(node.Log));
        }
        table.AddRow("coordinator", Pid(coordinator.Pid), coordinator.Running ? "[green]yes[/]" : "[red]no[/]", "-", Markup.Escape(coordinator.Log));
        output.Human.Write(table);
        if (state != "running")
        {
            output.Line("`kubectl secrets local up` starts what is not running.");
        }
        return ExitCodes.Ok;
    }

    private static string Pid(int? pid) => pid?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private sealed record LocalStatusJson(
        string State, string FleetId, string Directory, bool Current, int Threshold, int Replicas, string RefreshInterval, DateTimeOffset? LastRefresh,
        IReadOnlyList<NodeJson> Nodes, CoordinatorJson Coordinator);

    private sealed record NodeJson(int Ordinal, string Endpoint, string MetricsUrl, int? Pid, bool Running, string Log);

    private sealed record CoordinatorJson(int? Pid, bool Running, string Log, DateTimeOffset? NextRefresh);
}
