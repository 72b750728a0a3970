namespace SecretFleet.Core.Epochs;

/// <summary>
/// How nodes tell a client that a resharing is in its way (docs/protocol.md, "Writes during a
/// resharing"): the status details they answer with, so a client can tell them from a node that
/// is down or a request that is wrong, wait, and retry with the fleet's new shape.
/// </summary>
public static class ResharingWrites
{
    /// <summary>UNAVAILABLE: a resharing runs and refuses this write until it ends.</summary>
    public const string Refusal = "A resharing is moving this fleet's shares to a new committee; writes resume when it ends. Retry shortly.";

    private const string ThresholdPrefix = "This fleet uses threshold ";

    /// <summary>FAILED_PRECONDITION: the share was split for another threshold than the node's (the fleet was reshared since the client read its shape).</summary>
    public static string ThresholdMismatch(int fleet, uint split) => $"{ThresholdPrefix}{fleet}; the secret was split with {split}.";

    /// <summary>Whether a status detail is <see cref="ThresholdMismatch"/>.</summary>
    public static bool IsThresholdMismatch(string detail) => detail.StartsWith(ThresholdPrefix, StringComparison.Ordinal);
}
