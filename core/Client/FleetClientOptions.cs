using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Client;

/// <summary>How a client reaches a fleet: its nodes, threshold and the client's certificate.</summary>
public sealed record FleetClientOptions(IReadOnlyList<FleetMember> Nodes, int Threshold, TlsMaterial Tls)
{
    /// <summary>Deadline of each call to a node.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest secret accepted.</summary>
    public int MaxSecretBytes { get; init; } = 65536;

    /// <summary>How long a recovery retries while nodes straddle an epoch change.</summary>
    public TimeSpan EpochSettleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether a recovery asks a read quorum first (the default) or every node. See
    /// <see cref="RecoverReads"/>.
    /// </summary>
    public RecoverReads RecoverReads { get; init; } = RecoverReads.Quorum;

    /// <summary>How long a node that did not answer is left out of read quorums.</summary>
    public TimeSpan UnreachableBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time source (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
