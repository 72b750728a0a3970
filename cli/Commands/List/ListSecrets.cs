using System.Globalization;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Client;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.List;

/// <summary>Lists names and metadata only; never a value.</summary>
internal sealed class ListSecrets(CommandContext context)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
        using var client = target.CreateClient();
        IReadOnlyList<SecretInfo> secrets;
        try
        {
            secrets = await client.ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FleetClientException e) when (e.Kind == FleetErrorKind.NotEnoughNodes && e.Nodes.Count == 0)
        {
            // The listing does not say which nodes were silent; the health check does.
            var silent = (await client.StatusAsync(cancellationToken).ConfigureAwait(false)).Where(n => n.Error is not null).Select(n => n.X).ToArray();
            throw CliException.NotEnoughNodes($"Listing needs {target.View.Threshold} nodes and {NodeIndex.Describe(silent)} did not answer; bring them back and retry.");
        }
        Render(context.Output, secrets, target.View.Members.Count);
        return ExitCodes.Ok;
    }

    internal static void Render(Output.CliOutput output, IReadOnlyList<SecretInfo> secrets, int fleetSize)
    {
        if (output.IsJson)
        {
            output.WriteJson(new ListJson([.. secrets.Select(s => new SecretJson(s.Name, s.Version, s.Epoch, s.Nodes, s.Threshold, s.PayloadBytes, s.Updated))]));
            return;
        }
        if (secrets.Count == 0)
        {
            output.Line("No secrets stored yet; `kubectl secrets store NAME` adds one.");
            return;
        }
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("NAME").AddColumn("VERSION").AddColumn("EPOCH").AddColumn("NODES").AddColumn("THRESHOLD").AddColumn("UPDATED");
        foreach (var s in secrets)
        {
            var nodes = s.Nodes < fleetSize ? $"[yellow]{s.Nodes}/{fleetSize}[/]" : $"{s.Nodes}/{fleetSize}";
            table.AddRow(Markup.Escape(s.Name), s.Version.ToString(CultureInfo.InvariantCulture), s.Epoch.ToString(CultureInfo.InvariantCulture), nodes,
                s.Threshold.ToString(CultureInfo.InvariantCulture), s.Updated.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
        }
        output.Human.Write(table);
    }

    private sealed record ListJson(IReadOnlyList<SecretJson> Secrets);

    private sealed record SecretJson(string Name, ulong Version, ulong Epoch, int Nodes, int Threshold, int PaddedBytes, DateTimeOffset Updated);
}
