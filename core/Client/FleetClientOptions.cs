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

    /// <summary>Time source (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
