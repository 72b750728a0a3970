using SecretFleet.Cli.Clients;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Client;

/// <summary>What `client create|list|delete` do and print.</summary>
internal sealed class ClientVerbs(CommandContext context)
{
    public async Task<int> CreateAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        await using var clients = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var created = await clients.CreateAsync(name, wait, cancellationToken).ConfigureAwait(false);
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(created);
            return ExitCodes.Ok;
        }
        var issued = created.State == ClientRegistry.Ready ? "its certificate is in" : "its certificate will be in";
        context.Output.Line($"Created client {created.Name} ({created.Identity}) in {clients.Description}; {issued} {created.Credentials}.");
        context.Output.Line($"Act as it with `kubectl secrets --client {created.Name} …`; give a user that power by letting them read {created.Credentials} (docs/operations.md, \"Client identities\").");
        return ExitCodes.Ok;
    }

    public async Task<int> ListAsync(CancellationToken cancellationToken)
    {
        await using var clients = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var all = await clients.ListAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(new { Clients = all });
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumn("NAME").AddColumn("IDENTITY").AddColumn("CERTIFICATE").AddColumn("STATE");
        foreach (var client in all)
        {
            table.AddRow(Markup.Escape(client.Name), Markup.Escape(client.Identity), Markup.Escape(client.Credentials), client.State);
        }
        context.Output.Human.Write(table);
        return ExitCodes.Ok;
    }

    public async Task<int> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var clients = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await clients.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        context.Output.Line($"Deleted client {name} of {clients.Description}; the secrets it stored stay on the nodes (a client created again as {name} can read them).");
        return ExitCodes.Ok;
    }

    private Task<ClientRegistry> OpenAsync(CancellationToken cancellationToken) => context.Host.Targets.OpenClientsAsync(context.Settings, cancellationToken);
}
