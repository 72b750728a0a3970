using System.CommandLine;

namespace SecretFleet.Cli.Commands.Delete;

/// <summary>`delete NAME [--yes]`.</summary>
internal static class DeleteCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var name = new Argument<string>("NAME") { Description = "secret name" };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask for confirmation (required when stdin is not a terminal)" };
        var command = new Command("delete", "Delete every version of a secret from every node (asks first on a terminal).") { name, yes };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new DeleteSecret(context).RunAsync(context.Parse.GetValue(name)!, context.Parse.GetValue(yes), cancellationToken));
        return command;
    }
}
