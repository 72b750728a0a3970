namespace SecretFleet.Cli.Output;

/// <summary>
/// The process's standard streams and environment as the commands see them, so tests can run a
/// command in-process with memory streams and a made-up environment.
/// </summary>
internal sealed class CliConsole(
    Stream input,
    Stream output,
    TextWriter error,
    bool inputIsTerminal,
    bool outputIsTerminal,
    bool errorIsTerminal,
    Func<string, string?> environment)
{
    public Stream Input { get; } = input;

    public Stream Output { get; } = output;

    public TextWriter Error { get; } = error;

    public bool InputIsTerminal { get; } = inputIsTerminal;

    public bool OutputIsTerminal { get; } = outputIsTerminal;

    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>Reads one line typed at the terminal without echoing it; null when input is not a terminal.</summary>
    public Func<bool, string?> ReadTerminalLine { get; init; } = _ => null;

    public string? GetEnvironmentVariable(string name) => environment(name);

    /// <summary>The real process streams.</summary>
    public static CliConsole FromProcess()
    {
        var error = new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
        return new CliConsole(
            Console.OpenStandardInput(),
            Console.OpenStandardOutput(),
            error,
            !Console.IsInputRedirected,
            !Console.IsOutputRedirected,
            !Console.IsErrorRedirected,
            Environment.GetEnvironmentVariable)
        {
            ReadTerminalLine = echo => Console.IsInputRedirected ? null : TerminalInput.ReadLine(echo, error),
        };
    }
}
