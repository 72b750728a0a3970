namespace SecretFleet.Core.Epochs;

/// <summary>
/// Which resharings (n, t) → (n', t') can commit at all, judged from the shapes alone: the coordinator checks it
/// before it starts one, the operator before it asks for one (and says why it will not).
/// </summary>
public static class ResharingShape
{
    /// <summary>Why a t-of-n fleet cannot deal a resharing, or null when it can: at least 2t − 1 dealers must agree (docs/protocol.md).</summary>
    /// <param name="members">The old committee's size, n.</param>
    /// <param name="threshold">The old threshold, t.</param>
    public static string? DealersRefusal(int members, int threshold)
    {
        var needed = 2 * threshold - 1;
        return members < needed
            ? $"A {threshold}-of-{members} fleet cannot reshare: at least 2t − 1 = {needed} nodes must deal, or t − 1 dishonest ones could change the secrets unseen. Grow it first (a share recovery per new node), then reshare."
            : null;
    }

    /// <summary>Why t' is impossible with n' nodes, or null when 1 ≤ t' ≤ n'.</summary>
    /// <param name="newMembers">The new committee's size, n'.</param>
    /// <param name="newThreshold">The new threshold, t'.</param>
    public static string? NewShapeRefusal(int newMembers, int newThreshold) =>
        newThreshold < 1 || newThreshold > newMembers
            ? $"A threshold of {newThreshold} is impossible with {newMembers} nodes; it must be 1 to {newMembers}."
            : null;

    /// <summary>Why (n, t) → (n', t') cannot be done, or null when it can.</summary>
    /// <param name="members">The old committee's size, n.</param>
    /// <param name="threshold">The old threshold, t.</param>
    /// <param name="newMembers">The new committee's size, n'.</param>
    /// <param name="newThreshold">The new threshold, t'.</param>
    public static string? Refusal(int members, int threshold, int newMembers, int newThreshold) =>
        DealersRefusal(members, threshold) ?? NewShapeRefusal(newMembers, newThreshold);
}
