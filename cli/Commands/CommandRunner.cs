using System.CommandLine;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Commands;

/// <summary>Wires a verb's logic into System.CommandLine with the shared error handling and exit codes.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, GlobalOptions globals, CliHost host, Func<CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            GlobalSettings settings;
            try
            {
                settings = globals.Read(parse);
            }
            catch (CliException e)
            {
                host.Console.Error.WriteLine($"error: {e.Message}");
                return e.ExitCode;
            }
            var output = new CliOutput(host.Console, settings.Output);
            try
            {
                return await action(new CommandContext(parse, settings, output, host), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.Error("Interrupted; nothing more was done.");
                return ExitCodes.Interrupted;
            }
            catch (Exception e) when (ErrorTranslator.Translate(e) is { } translated)
            {
                output.Error(ErrorTranslator.OneLine(translated.Message));
                return translated.ExitCode;
            }
        });
}
