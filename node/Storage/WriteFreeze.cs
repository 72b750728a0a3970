namespace SecretFleet.Node.Storage;

/// <summary>
/// Which client writes a node takes while a resharing runs (docs/protocol.md, "Writes during a
/// resharing"). A resharing deals the pairs a dealer snapshotted to a new committee; the pairs
/// written after the snapshot are dealt in a last round over just them (the catch-up), so stores
/// are held only while a snapshot is being agreed on and from the catch-up's agreement to the end.
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

    /// <summary>
    /// From the agreement (Verify) until the catch-up begins: stores are accepted and recorded as
    /// written during the resharing (the catch-up deals them). Deletes are accepted only of pairs so
    /// written: the snapshot's pairs are being dealt and must stay readable.
    /// </summary>
    Dealing,

    /// <summary>
    /// From the catch-up's Begin until its agreement: stores are refused again; deletes of pairs
    /// written during the resharing are accepted (a straddled store's rollback) and leave the
    /// catch-up's snapshot too.
    /// </summary>
    CatchingUp,

    /// <summary>From the catch-up's agreement until commit or abort: stores and deletes are refused.</summary>
    All,
}

/// <summary>What each <see cref="WriteFreeze"/> means for a store or a delete: the rules live here, once.</summary>
internal static class WriteFreezeRules
{
    public static bool RefusesStores(this WriteFreeze freeze) => freeze is WriteFreeze.Stores or WriteFreeze.CatchingUp or WriteFreeze.All;

    /// <summary>A store accepted now is dealt by the catch-up, so it is recorded.</summary>
    public static bool RecordsStores(this WriteFreeze freeze) => freeze == WriteFreeze.Dealing;

    /// <summary>Only pairs written during the resharing may be deleted (the others are being dealt).</summary>
    public static bool DeletesOnlyWrittenDuring(this WriteFreeze freeze) => freeze is WriteFreeze.Dealing or WriteFreeze.CatchingUp;

    /// <summary>The snapshot is not agreed yet, so a deleted pair leaves it and is not dealt.</summary>
    public static bool DeletesLeaveSnapshot(this WriteFreeze freeze) => freeze is WriteFreeze.Stores or WriteFreeze.CatchingUp;

    /// <summary>While a resharing runs a store keeps every older version: one of them may be in the snapshot being dealt.</summary>
    public static bool KeepsOlderVersions(this WriteFreeze freeze) => freeze != WriteFreeze.None;
}
