using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Local;

/// <summary>
/// Finds the <c>secretfleet-node</c> binary that <c>local up</c> starts. An explicit
/// <c>SECRETFLEET_NODE_BINARY</c> wins (an override that loses to whatever lies around is no
/// override); then the binary next to <c>kubectl-secrets</c> (what <c>make install</c> lays out);
/// then <c>PATH</c>.
/// </summary>
internal static class NodeBinaryLocator
{
    public const string EnvironmentVariable = "SECRETFLEET_NODE_BINARY";
    public const string BinaryName = "secretfleet-node";

    public static string Find(CliConsole console) => Find(console.GetEnvironmentVariable, AppContext.BaseDirectory);

    internal static string Find(Func<string, string?> environment, string ownDirectory)
    {
        if (environment(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw CliException.Other($"{EnvironmentVariable} points at {configured}, which does not exist; fix it or unset it.");
        }
        var beside = Path.Combine(ownDirectory, BinaryName);
        if (File.Exists(beside))
        {
            return beside;
        }
        foreach (var directory in (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, BinaryName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw CliException.Other($"Cannot find {BinaryName} next to kubectl-secrets ({ownDirectory}) or on PATH; install both with `make install` or set {EnvironmentVariable}.");
    }
}
