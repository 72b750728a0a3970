using System.Globalization;
using SecretFleet.Cli.Local;
using SecretFleet.Cli.Output;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Local;

/// <summary>What `local up` shows: the fleet, each node's endpoints and process, and what to try next.</summary>
internal static class LocalUpView
{
    public enum State
    {
        Created,
        Started,
        Running,
    }

    public static void Render(CliOutput output, FleetManifest fleet, State state, IReadOnlyCollection<int> started)
    {
        if (output.IsJson)
        {
            output.WriteJson(new UpJson(
                state.ToString().ToLowerInvariant(), fleet.FleetId, fleet.Directory, fleet.Threshold, fleet.Nodes.Count, fleet.RefreshInterval,
                [.. fleet.Nodes.Select(n => new NodeJson(n.Ordinal, n.GrpcEndpoint.ToString().TrimEnd('/'), n.MetricsUrl.ToString(), n.Process?.Pid, started.Contains(n.Ordinal), n.LogFile))],
                fleet.Coordinator?.Process.Pid));
            return;
        }
        var headline = state switch
        {
            State.Running => $"The local fleet {fleet.FleetId} is already running",
            State.Created => $"Created and started local fleet {fleet.FleetId}",
            _ => $"Started local fleet {fleet.FleetId} ({started.Count} node{(started.Count == 1 ? "" : "s")} restarted, data kept)",
        };
        output.Line($"{headline}: {fleet.Nodes.Count} nodes, any {fleet.Threshold} recover a secret, refresh every {fleet.RefreshInterval}.");
        output.Line($"Directory {fleet.Directory}; it is the current fleet for `kubectl secrets` commands.");
        var table = new Table().Border(TableBorder.Simple).AddColumn("NODE").AddColumn("ENDPOINT").AddColumn("METRICS").AddColumn("PID");
        foreach (var node in fleet.Nodes)
        {
            table.AddRow(node.Name, node.GrpcEndpoint.ToString().TrimEnd('/'), node.MetricsUrl.ToString(), node.Process?.Pid.ToString(CultureInfo.InvariantCulture) ?? "-");
        }
        output.Human.Write(table);
        if (state == State.Created)
        {
            output.Line("Try: kubectl secrets store demo (type a value at the hidden prompt, or pipe it in), then kubectl secrets recover demo --show");
        }
    }

    private sealed record UpJson(string State, string FleetId, string Directory, int Threshold, int Replicas, string RefreshInterval, IReadOnlyList<NodeJson> Nodes, int? CoordinatorPid);

    private sealed record NodeJson(int Ordinal, string Endpoint, string MetricsUrl, int? Pid, bool Started, string Log);
}
