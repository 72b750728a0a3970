using Spectre.Console;

namespace SecretFleet.Cli.Commands.Delete;

/// <summary>Deletes a secret after a confirmation: typed on a terminal, or --yes.</summary>
internal sealed class DeleteSecret(CommandContext context)
{
    public async Task<int> RunAsync(string name, bool yes, CancellationToken cancellationToken)
    {
        SecretNames.Check(name);
        var console = context.Host.Console;
        if (!yes)
        {
            if (!console.InputIsTerminal)
            {
                throw CliException.Usage($"Refusing to delete secret '{name}' without confirmation; pass --yes.");
            }
            console.Error.Write($"Delete secret '{name}' from every node? It cannot be recovered afterwards. [y/N] ");
            var answer = console.ReadTerminalLine(true)?.Trim();
            if (answer is not ("y" or "Y" or "yes" or "YES" or "Yes"))
            {
                console.Error.WriteLine("Nothing deleted.");
                return ExitCodes.Usage;
            }
        }
        await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
        using var client = target.CreateFollowingClient(context.Host.Console.Error);
        var nodes = await client.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(new DeleteJson(name, nodes));
        }
        else
        {
            context.Output.MarkupLine($"Deleted secret [bold]{Markup.Escape(name)}[/] from {nodes} nodes.");
        }
        return ExitCodes.Ok;
    }

    private sealed record DeleteJson(string Name, int Nodes);
}
