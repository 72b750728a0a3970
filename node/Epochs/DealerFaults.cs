namespace SecretFleet.Node.Epochs;

/// <summary>
/// Test-only fault injection, enabled by the node's hidden <c>--test-fault</c> flag: lets
/// integration tests prove that a cheating dealer is caught. Never enabled in a real deployment.
/// </summary>
internal sealed class DealerFaults(string? fault)
{
    public static readonly DealerFaults None = new(null);

    public const string CheatDealing = "cheat-dealing";

    public bool Enabled => fault is not null;

    /// <summary>The cheat: one flipped sub-share to the lowest other receiver in the first batch, consistent digests.</summary>
    public bool CheatInBatch(ulong batch, byte receiverX, byte dealerX) =>
        fault == CheatDealing && batch == 0 && receiverX != dealerX && receiverX == (dealerX == 1 ? 2 : 1);
}
