namespace SecretFleet.Core.Client;

/// <summary>Which nodes a recovery asks for their shares.</summary>
public enum RecoverReads
{
    /// <summary>
    /// Ask q = max(t, n − t + 1) nodes first, taken in turn so the load spreads. When all q answer
    /// with the same version, epoch and commitment and their shares reconstruct the committed
    /// secret, that is the answer: a newer version held by t nodes cannot hide among the
    /// n − q &lt; t nodes not asked. Anything else (an error, a disagreement, a share that fails
    /// the commitment) asks the rest, and the full read decides and names the nodes. A node
    /// that was just unreachable is left out of quorums for
    /// <see cref="FleetClientOptions.UnreachableBackoff"/>.
    /// </summary>
    Quorum,

    /// <summary>Ask every node every time, so every wrong or silent node is named.</summary>
    AllNodes,
}
