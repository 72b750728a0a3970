namespace SecretFleet.Cli.Commands;

/// <summary>
/// The CLI's one domain exception: a failure the user must act on, with its exit code and a
/// one-sentence message saying what failed and what to do. Never carries secret material.
/// </summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException NotFound(string message) => new(ExitCodes.NotFound, message);

    public static CliException NotEnoughNodes(string message) => new(ExitCodes.NotEnoughNodes, message);

    public static CliException Other(string message, Exception? inner = null) => new(ExitCodes.Other, message, inner);
}
