using System.CommandLine;
using SecretFleet.Core.Scheduling;

namespace SecretFleet.Cli.Commands.Refresh;

/// <summary>`refresh [CLUSTER] [--wait] [--timeout 10m]`.</summary>
internal static class RefreshCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var cluster = new Argument<string?>("CLUSTER") { Description = "SecretCluster name (same as --cluster)", Arity = ArgumentArity.ZeroOrOne };
        var wait = new Option<bool>("--wait") { Description = "wait until the refresh is committed or aborted, with a progress bar (a local fleet always waits)" };
        var timeout = new Option<string>("--timeout") { Description = "give up waiting after this long (Go duration)", DefaultValueFactory = _ => "10m", HelpName = "DURATION" };
        var command = new Command("refresh", "Re-randomize every share into a new epoch now (stolen old shares become useless); the secrets stay the same.")
        {
            cluster, wait, timeout,
        };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new RefreshFleet(context.WithCluster(context.Parse.GetValue(cluster)))
                .RunAsync(context.Parse.GetValue(wait), GoDuration.Parse(context.Parse.GetValue(timeout)!, "--timeout"), cancellationToken));
        return command;
    }
}
