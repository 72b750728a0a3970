using System.CommandLine;

namespace SecretFleet.Cli.Commands.Store;

/// <summary>`store NAME [--from-literal V | --from-file PATH | stdin] [--overwrite]`.</summary>
internal static class StoreCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var name = new Argument<string>("NAME") { Description = "secret name: letters, digits, '.', '_' or '-'" };
        var literal = new Option<string?>("--from-literal") { Description = "the value as text; visible in the process list and kept in shell history (a warning says so): prefer stdin or --from-file", HelpName = "VALUE" };
        var file = new Option<string?>("--from-file") { Description = "read the value from a file, any bytes", HelpName = "PATH" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace the secret if it exists (otherwise that is refused)" };
        var command = new Command("store", "Split a secret into one share per node and store them; without --from-* it reads stdin (a hidden prompt on a terminal).")
        {
            name, literal, file, overwrite,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(literal) is not null && result.GetValue(file) is not null)
            {
                result.AddError("Give the secret with either --from-literal or --from-file, not both.");
            }
        });
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new StoreSecret(context).RunAsync(new StoreRequest(context.Parse.GetValue(name)!, context.Parse.GetValue(literal), context.Parse.GetValue(file), context.Parse.GetValue(overwrite)), cancellationToken));
        return command;
    }
}
