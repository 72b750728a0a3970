namespace SecretFleet.Node.Storage;

/// <summary>
/// Which client writes a node refuses while a resharing runs (docs/protocol.md, "Writes during a
/// resharing"). A resharing deals the shares a dealer snapshotted to a new committee, so a write
/// after the snapshot would have no share there.
/// </summary>
internal enum WriteFreeze
{
    /// <summary>Everything is accepted.</summary>
    None,

    /// <summary>
    /// From Begin until the coordinator agreed on the snapshot: stores are refused, deletes are
    /// accepted and leave the snapshot too. A store that reached some nodes before their Begin and
    /// others after is rolled back by its client (a delete), so the snapshots converge instead of
    /// making the resharing abort.
    /// </summary>
    Stores,

    /// <summary>From the agreement (Verify) until commit or abort: stores and deletes are refused.</summary>
    All,
}
