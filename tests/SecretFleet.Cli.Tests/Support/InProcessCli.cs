using SecretFleet.Cli.Clients;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Output;
using SecretFleet.Cli.Targets;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>Runs the command tree in-process over memory streams and a made-up terminal and environment.</summary>
internal static class InProcessCli
{
    public static async Task<CliResult> RunAsync(
        string[] args,
        IFleetTargetFactory? targets = null,
        bool inputIsTerminal = false,
        bool outputIsTerminal = false,
        byte[]? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Func<bool, string?>? typed = null)
    {
        var output = new MemoryStream();
        var error = new StringWriter();
        var console = new CliConsole(new MemoryStream(stdin ?? []), output, error, inputIsTerminal, outputIsTerminal, false,
            name => environment is not null && environment.TryGetValue(name, out var value) ? value : null)
        {
            ReadTerminalLine = typed ?? (_ => null),
        };
        var exit = await CliRootCommand.RunAsync(new CliHost(console, TimeProvider.System, targets ?? new NoFleet()), args);
        return new CliResult(exit, output.ToArray(), error.ToString());
    }

    public static CliOutput Output(OutputFormat format, out MemoryStream stdout, out StringWriter stderr, bool terminal = false)
    {
        stdout = new MemoryStream();
        stderr = new StringWriter();
        return new CliOutput(new CliConsole(new MemoryStream(), stdout, stderr, false, terminal, false, _ => null), format);
    }
}

/// <summary>A target factory for tests that must fail before any fleet is contacted; it records whether it was asked.</summary>
internal sealed class NoFleet : IFleetTargetFactory
{
    public int Opened { get; private set; }

    public Task<FleetTarget> OpenAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        Opened++;
        throw new CliException(ExitCodes.NotFound, "test: no fleet here.");
    }

    public Task<ClientRegistry> OpenClientsAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        Opened++;
        throw new CliException(ExitCodes.NotFound, "test: no fleet here.");
    }
}
