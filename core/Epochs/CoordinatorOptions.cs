namespace SecretFleet.Core.Epochs;

/// <summary>Timing of the coordinator; defaults suit a fleet of millions of secrets.</summary>
public sealed record CoordinatorOptions
{
    /// <summary>How often node status is polled while they deal and verify.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>An operation not staged everywhere by then is aborted.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A node that answers no status call for this long counts as failed.</summary>
    public TimeSpan NodeSilenceLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long commits/aborts are retried before the operation is left open for a later resume.</summary>
    public TimeSpan FinishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a resharing waits for its dealers' snapshots to become equal before it aborts: a
    /// store that reached some nodes before their Begin and others after is rolled back by its
    /// client in about one round trip (docs/protocol.md, "Writes during a resharing").
    /// </summary>
    public TimeSpan SnapshotSettleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Blocks per dealt batch (memory per batch ≈ n × this × 16 bytes).</summary>
    public int BatchBlocks { get; init; } = 16384;
}
