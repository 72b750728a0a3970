namespace SecretFleet.Core.Client;

/// <summary>What kind of failure a fleet operation met; the CLI maps each to an exit code.</summary>
public enum FleetErrorKind
{
    /// <summary>Bad input: a name, size or option the fleet refuses.</summary>
    InvalidInput,

    /// <summary>No such secret.</summary>
    NotFound,

    /// <summary>Too few nodes answered (or answered correctly) to complete the operation.</summary>
    NotEnoughNodes,

    /// <summary>
    /// A store of a name another client identity holds, or a call this certificate may not make.
    /// Reads and deletes of another client's secret are <see cref="NotFound"/>: nodes do not tell.
    /// </summary>
    PermissionDenied,

    /// <summary>The secret exists and overwriting was not asked for.</summary>
    AlreadyExists,

    /// <summary>
    /// A resharing refuses writes until it ends, or changed the fleet's size or threshold since this
    /// client read them: retry with the fleet's current shape (<see cref="FollowingClient"/> does).
    /// </summary>
    Resharing,

    /// <summary>Anything else; the message says what.</summary>
    Other,
}

/// <summary>A fleet operation that failed; <see cref="Nodes"/> names the nodes (by x) at fault or missing.</summary>
public sealed class FleetClientException(FleetErrorKind kind, string message, IReadOnlyList<byte>? nodes = null) : Exception(message)
{
    /// <summary>The kind of failure.</summary>
    public FleetErrorKind Kind { get; } = kind;

    /// <summary>Nodes (x = ordinal + 1) that were unreachable or answered wrongly.</summary>
    public IReadOnlyList<byte> Nodes { get; } = nodes ?? [];
}
