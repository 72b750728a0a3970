using System.Text;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Commands.Store;

/// <summary>Where `store` takes the secret from: --from-literal, --from-file, or stdin (a hidden prompt on a terminal).</summary>
internal static class SecretSource
{
    // Far above any fleet's limit: enough to let the fleet name its own limit in the error.
    private const int ReadLimit = 16 * 1024 * 1024;

    public const string LiteralWarning =
        "warning: --from-literal puts the secret on the command line, where every user of this machine can read it in the process list while the command runs, and your shell keeps it in its history; pipe it on stdin instead (printf %s \"$VALUE\" | kubectl secrets store NAME), use --from-file, or omit both to type it at a hidden prompt.";

    public static async Task<byte[]> ReadAsync(StoreRequest request, CliConsole console, CancellationToken cancellationToken)
    {
        if (request.Literal is { } literal)
        {
            // Too late to protect this value, but the next one can come in another way.
            console.Error.WriteLine(LiteralWarning);
            return Encoding.UTF8.GetBytes(literal);
        }
        if (request.File is { } file)
        {
            return await ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
        }
        if (console.InputIsTerminal)
        {
            console.Error.Write($"Value of secret '{request.Name}' (hidden; Enter ends it): ");
            var typed = console.ReadTerminalLine(false)
                ?? throw CliException.Usage("No value was typed; give the secret with --from-literal, --from-file or on stdin.");
            return Encoding.UTF8.GetBytes(typed);
        }
        return await ReadLimitedAsync(console.Input, "stdin", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return await ReadLimitedAsync(stream, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CliException.Usage($"--from-file {path} does not exist; give the path of the file holding the secret.");
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.Usage($"--from-file {path} cannot be read (permission denied); check the file's permissions.");
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > ReadLimit)
            {
                throw CliException.Usage($"The secret from {source} is larger than {ReadLimit / (1024 * 1024)} MiB; a fleet keeps small secrets (keys, passwords), store a key and encrypt the data with it.");
            }
            buffer.Write(chunk, 0, read);
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(chunk);
        var bytes = buffer.ToArray();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        return bytes;
    }
}
