using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>A row of this node's snapshot: its sequence number (snapshot order) and the pair it names.</summary>
internal interface ISnapshotRow
{
    long Seq { get; }

    byte[] Key { get; }

    ulong Version { get; }

    int Blocks { get; }
}

/// <summary>A (secret, version) pair in an operation's snapshot, in snapshot order.</summary>
internal readonly record struct SnapshotPair(long Seq, byte[] Key, ulong Version, int Blocks) : ISnapshotRow;

/// <summary>A snapshot pair joined with this node's current row for it (Sealed and Binding are null once the pair was deleted).</summary>
internal readonly record struct OwnShare(long Seq, byte[] Key, ulong Version, int Blocks, ulong Epoch, byte[]? Sealed, ShareBinding? Binding) : ISnapshotRow;

/// <summary>A pair's masked recovery value and the metadata a recovery target needs to store it.</summary>
internal sealed record MaskedPair(long Seq, byte[] Key, ulong Version, string Owner, string Name, int Blocks, byte[] Commitment, int Threshold, long UpdatedUnixMs, byte[] StagedSealed)
{
    public ShareBinding Binding => new(Key, Version, Owner, Commitment, Threshold);
}

/// <summary>A share a recovery target rebuilt, sealed for the epoch it joins.</summary>
internal sealed record RecoveredShare(byte[] Key, ulong Version, string Owner, string Name, int Blocks, byte[] Commitment, int Threshold, long UpdatedUnixMs, byte[] Sealed);

/// <summary>A dealer's snapshot pair with what the pair is and its current sealed share (null when this node no longer holds it).</summary>
internal sealed record HeldPair(long Seq, byte[] Key, ulong Version, int Blocks, string Owner, string Name, byte[] Commitment, int Threshold, long UpdatedUnixMs, byte[]? Sealed)
{
    public ShareBinding Binding => new(Key, Version, Owner, Commitment, Threshold);
}

/// <summary>What a pair is, as a resharing receiver stages it: from the dealers for a joining node, from its own row otherwise.</summary>
internal sealed record PairDescription(string Owner, string Name, byte[] Commitment, long UpdatedUnixMs);
