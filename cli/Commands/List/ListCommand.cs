using System.CommandLine;

namespace SecretFleet.Cli.Commands.List;

/// <summary>`list`.</summary>
internal static class ListCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var command = new Command("list", "List this client's secrets: newest version, epoch and how many nodes hold it.");
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) => new ListSecrets(context).RunAsync(cancellationToken));
        return command;
    }
}
