namespace SecretFleet.Cli.Commands;

/// <summary>The documented exit codes (docs/cli.md, `kubectl secrets --help`).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad command line or input: unknown flag, missing argument, invalid name, no confirmation.</summary>
    public const int Usage = 1;

    /// <summary>No such secret (also another client identity's: nodes do not tell), SecretCluster or fleet.</summary>
    public const int NotFound = 2;

    /// <summary>Too few nodes reachable (or answering correctly); the message names them.</summary>
    public const int NotEnoughNodes = 3;

    /// <summary>A store of a name another client identity holds, a call this certificate may not make, or Kubernetes forbids the read.</summary>
    public const int PermissionDenied = 4;

    /// <summary>Anything else, including a refused overwrite and an aborted refresh.</summary>
    public const int Other = 5;

    /// <summary>Ctrl-C or SIGTERM (the shell's 128 + SIGINT).</summary>
    public const int Interrupted = 130;

    public const string HelpText = """
        Exit codes:
          0  success
          1  usage: bad flags or input, or a confirmation was not given
          2  not found: no such secret (or another client's: reads and deletes do not tell), SecretCluster or local fleet
          3  not enough nodes: too few nodes reachable (the message names the missing ones)
          4  permission denied: store of a name another client identity holds, or Kubernetes forbids access
          5  other: e.g. the secret exists (use --overwrite), a refresh aborted, an I/O error
        130  interrupted (Ctrl-C)
        """;
}
