using System.Security.Cryptography;
using Spectre.Console;
using SecretFleet.Core.Client;

namespace SecretFleet.Cli.Commands.Store;

/// <summary>Reads the secret, stores it on every node (all or nothing) and says where it went.</summary>
internal sealed class StoreSecret(CommandContext context)
{
    public async Task<int> RunAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        SecretNames.Check(request.Name);
        var secret = await SecretSource.ReadAsync(request, context.Host.Console, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
            using var client = target.CreateFollowingClient(context.Host.Console.Error);
            var stored = await client.StoreAsync(request.Name, secret, new StoreOptions(request.Overwrite), cancellationToken).ConfigureAwait(false);
            Render(stored, client.Shape!.Threshold);
            return ExitCodes.Ok;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private void Render(StoreResult stored, int threshold)
    {
        var output = context.Output;
        if (output.IsJson)
        {
            output.WriteJson(new StoreJson(stored.Name, stored.Version, stored.Epoch, stored.Nodes, threshold, stored.Overwrote));
            return;
        }
        output.MarkupLine($"{(stored.Overwrote ? "Stored (overwriting)" : "Stored")} secret [bold]{Markup.Escape(stored.Name)}[/]: one share on each of {stored.Nodes} nodes, any {threshold} recover it (version {stored.Version}, epoch {stored.Epoch}).");
    }

    private sealed record StoreJson(string Name, ulong Version, ulong Epoch, int Nodes, int Threshold, bool Overwrote);
}
