using System.CommandLine;
using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Commands.Local;

/// <summary>`local up|down|status|scale` and the hidden `local coordinator`.</summary>
internal static class LocalCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var local = new Command("local", "Run a fleet on this machine: node processes on 127.0.0.1 with a local CA and a background coordinator.");
        local.Add(Up(globals, host));
        local.Add(Down(globals, host));
        local.Add(Status(globals, host));
        local.Add(Scale(globals, host));
        local.Add(Coordinator(globals, host));
        return local;
    }

    private static Option<string?> DirOption(string description) => new("--dir") { Description = description, HelpName = "PATH" };

    private static Command Up(GlobalOptions globals, CliHost host)
    {
        var nodes = new Option<int?>("--nodes") { Description = "number of nodes n, for a new fleet (default 5)", HelpName = "N" };
        var threshold = new Option<int?>("--threshold") { Description = "nodes needed to recover a secret t, for a new fleet (default 3)", HelpName = "T" };
        var interval = new Option<string?>("--refresh-interval") { Description = "time between automatic refreshes (Go duration, default 10m, at least 10s)", HelpName = "DURATION" };
        var dir = DirOption("fleet directory (default $SECRETFLEET_HOME/local, i.e. ~/.secretfleet/local)");
        var command = new Command("up", "Start a local fleet (create it the first time); it becomes the fleet the other verbs use.") { nodes, threshold, interval, dir };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new LocalUp(context).RunAsync(new LocalUpRequest(context.Parse.GetValue(dir), context.Parse.GetValue(nodes), context.Parse.GetValue(threshold), context.Parse.GetValue(interval)), cancellationToken));
        return command;
    }

    private static Command Down(GlobalOptions globals, CliHost host)
    {
        var purge = new Option<bool>("--purge") { Description = "also delete the fleet directory: every share, so every secret, is gone" };
        var dir = DirOption("fleet directory (default: the current local fleet)");
        var command = new Command("down", "Stop every process of the local fleet; the data stays unless --purge.") { purge, dir };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new LocalDown(context).RunAsync(context.Parse.GetValue(dir), context.Parse.GetValue(purge), cancellationToken));
        return command;
    }

    private static Command Status(GlobalOptions globals, CliHost host)
    {
        var dir = DirOption("fleet directory (default: the current local fleet)");
        var command = new Command("status", "Show the local fleet's processes, ports and files.") { dir };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            Task.FromResult(new LocalStatus(context).Run(context.Parse.GetValue(dir))));
        return command;
    }

    private static Command Scale(GlobalOptions globals, CliHost host)
    {
        var nodes = new Option<int>("--nodes") { Description = "number of nodes n afterwards", HelpName = "N", Required = true };
        var threshold = new Option<int?>("--threshold") { Description = "nodes needed to recover a secret afterwards (default: unchanged)", HelpName = "T" };
        var dir = DirOption("fleet directory (default: the current local fleet)");
        var command = new Command("scale", "Change the fleet's size and threshold: new nodes get shares by recovery (same threshold) or resharing; nodes that leave are erased.") { nodes, threshold, dir };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new LocalScale(context).RunAsync(context.Parse.GetValue(dir), context.Parse.GetValue(nodes), context.Parse.GetValue(threshold), cancellationToken));
        return command;
    }

    private static Command Coordinator(GlobalOptions globals, CliHost host)
    {
        var dir = new Option<string>("--dir") { Description = "fleet directory", Required = true };
        var command = new Command("coordinator", "Run the refresh schedule of a local fleet (started by `local up`).") { dir };
        command.Hidden = true;
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new CoordinatorService(context.Parse.GetValue(dir)!, context.Host.Time).RunAsync(cancellationToken));
        return command;
    }

    /// <summary>The fleet directory a verb acts on: --dir, else the current local fleet, else the default one.</summary>
    internal static string ResolveDirectory(string? dir, FleetHome home) =>
        Path.GetFullPath(dir ?? home.CurrentFleetDirectory() ?? home.DefaultFleetDirectory);
}
