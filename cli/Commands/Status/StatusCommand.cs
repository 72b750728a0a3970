using System.CommandLine;

namespace SecretFleet.Cli.Commands.Status;

/// <summary>`status [CLUSTER]`.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var cluster = new Argument<string?>("CLUSTER") { Description = "SecretCluster name (same as --cluster)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Show the fleet: threshold, epoch, last and next refresh, and each node's health.") { cluster };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new FleetStatus(context.WithCluster(context.Parse.GetValue(cluster))).RunAsync(cancellationToken));
        return command;
    }
}
