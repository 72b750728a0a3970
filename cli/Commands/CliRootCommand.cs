using System.CommandLine;
using SecretFleet.Cli.Commands.Client;
using SecretFleet.Cli.Commands.Debug;
using SecretFleet.Cli.Commands.Delete;
using SecretFleet.Cli.Commands.List;
using SecretFleet.Cli.Commands.Local;
using SecretFleet.Cli.Commands.Recover;
using SecretFleet.Cli.Commands.Refresh;
using SecretFleet.Cli.Commands.Status;
using SecretFleet.Cli.Commands.Store;

namespace SecretFleet.Cli.Commands;

/// <summary>The `kubectl secrets` command tree.</summary>
internal static class CliRootCommand
{
    public const string Description = $"""
        kubectl secrets: keep secrets that no single machine holds. A secret is split into one share per
        node of a fleet; any threshold of nodes give it back, fewer reveal nothing, and the nodes
        re-randomize their shares on a schedule (refresh).

        Without --cluster the verbs talk to the current local fleet (`kubectl secrets local up`);
        with --cluster NAME [-n NS] to a SecretCluster on Kubernetes.

        {ExitCodes.HelpText}
        """;

    public static RootCommand Create(CliHost host) => Create(host, out _);

    public static RootCommand Create(CliHost host, out GlobalOptions globals)
    {
        globals = new GlobalOptions();
        var root = new RootCommand(Description);
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }
        root.Subcommands.Add(StoreCommand.Create(globals, host));
        root.Subcommands.Add(RecoverCommand.Create(globals, host));
        root.Subcommands.Add(ListCommand.Create(globals, host));
        root.Subcommands.Add(DeleteCommand.Create(globals, host));
        root.Subcommands.Add(StatusCommand.Create(globals, host));
        root.Subcommands.Add(RefreshCommand.Create(globals, host));
        root.Subcommands.Add(ClientCommand.Create(globals, host));
        root.Subcommands.Add(LocalCommand.Create(globals, host));
        root.Subcommands.Add(DebugCommand.Create(globals, host));
        return root;
    }

    /// <summary>Parses and runs. A parse error is one line on stderr (no help dump) and exit 1; no arguments shows the help.</summary>
    public static Task<int> RunAsync(CliHost host, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var root = Create(host);
        var parse = root.Parse(args.Count == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            var messages = parse.Errors.Select(e => ErrorTranslator.OneLine(e.Message).TrimEnd('.')).ToList();
            if (messages.Count > 1)
            {
                // "Required command was not provided" only restates the other errors of a bad first word.
                messages.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
            }
            host.Console.Error.WriteLine($"error: {string.Join("; ", messages)}; see `{string.Join(' ', ["kubectl secrets", .. CommandPath(parse), "--help"])}`.");
            return Task.FromResult(ExitCodes.Usage);
        }
        var invocation = new InvocationConfiguration
        {
            Error = host.Console.Error,
            Output = new StreamWriter(host.Console.Output, new System.Text.UTF8Encoding(false), leaveOpen: true) { AutoFlush = true },
        };
        return parse.InvokeAsync(invocation, cancellationToken);
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }
        return names;
    }
}
