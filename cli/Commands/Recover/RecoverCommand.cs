using System.CommandLine;

namespace SecretFleet.Cli.Commands.Recover;

/// <summary>`recover NAME [--to-file PATH] [--show]`.</summary>
internal static class RecoverCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var name = new Argument<string>("NAME") { Description = "secret name" };
        var toFile = new Option<string?>("--to-file") { Description = "write the secret to this file (mode 0600) instead of stdout", HelpName = "PATH" };
        var show = new Option<bool>("--show") { Description = "allow printing the secret on a terminal" };
        var command = new Command("recover", "Recover a secret from any threshold of nodes; raw bytes to stdout (never to a terminal without --show) or --to-file.")
        {
            name, toFile, show,
        };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new RecoverSecret(context).RunAsync(new RecoverRequest(context.Parse.GetValue(name)!, context.Parse.GetValue(toFile), context.Parse.GetValue(show)), cancellationToken));
        return command;
    }
}
