namespace SecretFleet.Node.Storage;

/// <summary>What the node knows about itself; changes only through commits of the writer.</summary>
/// <param name="X">This node's x.</param>
/// <param name="Epoch">The epoch of the shares it holds.</param>
/// <param name="FleetId">The fleet it is a member of; empty when it is not (yet, or any more).</param>
/// <param name="Threshold">The threshold a resharing gave the fleet; 0 when none did here (the configured one holds).</param>
/// <param name="Nodes">The fleet's number of nodes as of the last refresh, recovery or resharing committed here; 0 when none told it (the node does not know it).</param>
internal sealed record NodeState(byte X, ulong Epoch, string FleetId, int Threshold = 0, int Nodes = 0)
{
    public bool IsMember => FleetId.Length > 0;

    /// <summary>The fleet's threshold: what the last resharing committed here, else what the node was started with.</summary>
    public int FleetThreshold(int configured) => Threshold > 0 ? Threshold : configured;
}

/// <summary>One version of one secret as a client stores it on this node.</summary>
internal sealed record ShareWrite(string Owner, string Name, ulong Version, byte[] Share, byte[] Commitment, int Threshold, bool CreateOnly);

/// <summary>A share read back, opened.</summary>
internal sealed record StoredShare(string Name, ulong Version, ulong Epoch, byte[] Share, byte[] Commitment, int Threshold, IReadOnlyList<ulong> OlderVersions);

/// <summary>The newest version of one of an owner's secrets, for listings.</summary>
internal sealed record SecretListing(string Name, ulong Version, ulong Epoch, int Threshold, int Blocks, long UpdatedUnixMs);

internal enum PutStatus
{
    Stored,
    AlreadyStored,
    NameTaken,
    VersionConflict,
    NewerVersionExists,
    OwnedByAnother,

    /// <summary>Refused: a resharing is under way (<see cref="ShareStore.Freeze"/>).</summary>
    Frozen,
}

internal readonly record struct PutResult(PutStatus Status, ulong Epoch);

internal enum ReadStatus
{
    Found,
    NotFound,
    OwnedByAnother,
    Unreadable,
}

internal readonly record struct ReadResult(ReadStatus Status, StoredShare? Share)
{
    public static ReadResult Of(ReadStatus status) => new(status, null);
}

internal enum DeleteStatus
{
    Deleted,
    NotFound,
    OwnedByAnother,

    /// <summary>Refused: a resharing is under way (<see cref="ShareStore.Freeze"/>).</summary>
    Frozen,
}

internal readonly record struct DeleteResult(DeleteStatus Status, int DeletedVersions);

/// <summary>One row of the append-only audit table: who did what to which secret, never values.</summary>
internal sealed record AuditEntry(long AtUnixMs, string Identity, string Operation, string Subject, string Outcome);
