using System.Text;
using System.Text.Json;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>How a kubectl-secrets run ended: exit code, stdout as bytes (secrets may be binary) and stderr.</summary>
public sealed record CliResult(int ExitCode, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public JsonElement Json() => JsonDocument.Parse(StdoutBytes).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
