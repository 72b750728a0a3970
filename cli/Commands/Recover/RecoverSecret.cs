using System.Security.Cryptography;
using System.Text;
using SecretFleet.Cli.Local;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Recover;

/// <summary>
/// Recovers a secret and hands it over exactly as stored: raw bytes on stdout (or base64 in JSON),
/// or a 0600 file. Refuses a terminal without --show before asking any node, so a secret is not
/// recovered only to be refused. Nodes that answered wrongly or not at all are named on stderr.
/// </summary>
internal sealed class RecoverSecret(CommandContext context)
{
    public async Task<int> RunAsync(RecoverRequest request, CancellationToken cancellationToken)
    {
        SecretNames.Check(request.Name);
        var output = context.Output;
        if (request.ToFile is null && output.Console.OutputIsTerminal && !request.Show)
        {
            throw CliException.Usage($"Refusing to print secret '{request.Name}' on a terminal; pass --show, write it with --to-file PATH, or pipe it to a program.");
        }
        await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
        using var client = target.CreateFollowingClient(context.Host.Console.Error);
        var recovered = await client.RecoverAsync(request.Name, cancellationToken).ConfigureAwait(false);
        try
        {
            Warn(recovered);
            if (request.ToFile is { } path)
            {
                WriteFile(path, recovered.Secret);
                if (output.IsJson)
                {
                    output.WriteJson(Json(recovered, path, null));
                }
                else
                {
                    output.MarkupLine($"Recovered secret [bold]{Markup.Escape(recovered.Name)}[/] ({recovered.Secret.Length} bytes, version {recovered.Version}, epoch {recovered.Epoch}) from {Nodes(recovered.UsedXs)} into {Markup.Escape(path)}.");
                }
            }
            else if (output.IsJson)
            {
                output.WriteJson(Json(recovered, null, recovered.Secret));
            }
            else
            {
                output.WriteRaw(recovered.Secret);
            }
            return ExitCodes.Ok;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(recovered.Secret);
        }
    }

    private void Warn(RecoverResult recovered)
    {
        if (recovered.BadXs.Count > 0)
        {
            context.Output.Warning($"{Nodes(recovered.BadXs)} returned wrong shares of '{recovered.Name}'; the secret was recovered from the others. Check those nodes.");
        }
        if (recovered.UnreachableXs.Count > 0)
        {
            context.Output.Warning($"{Nodes(recovered.UnreachableXs)} did not answer; the secret was recovered from the others.");
        }
    }

    private static void WriteFile(string path, byte[] secret)
    {
        try
        {
            AtomicFile.WriteAllBytes(Path.GetFullPath(path), secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw CliException.Other($"Cannot write --to-file {path} ({e.Message.TrimEnd('.')}); choose a writable path.", e);
        }
    }

    private static string Nodes(IEnumerable<byte> xs) => NodeIndex.Describe(xs);

    private static RecoverJson Json(RecoverResult r, string? file, byte[]? secret) => new(
        r.Name, r.Version, r.Epoch, r.Secret.Length,
        [.. r.UsedXs.Select(x => NodeIndex.OrdinalOf(x))], [.. r.BadXs.Select(x => NodeIndex.OrdinalOf(x))], [.. r.UnreachableXs.Select(x => NodeIndex.OrdinalOf(x))],
        file is null ? null : Path.GetFullPath(file),
        secret is null ? null : Convert.ToBase64String(secret),
        secret is null ? null : TryUtf8(secret));

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private sealed record RecoverJson(
        string Name, ulong Version, ulong Epoch, int Bytes, int[] UsedOrdinals, int[] BadOrdinals, int[] UnreachableOrdinals, string? File, string? ValueBase64, string? Value);
}
