namespace SecretFleet.Core.Epochs;

/// <summary>
/// Nodes refuse writes while a resharing runs (docs/protocol.md, "Resharing"): this is the status detail they
/// answer with (UNAVAILABLE), so a client can tell it from a node that is down.
/// </summary>
public static class ResharingWrites
{
    public const string Refusal = "A resharing is moving this fleet's shares to a new committee; writes resume when it ends. Retry shortly.";
}
