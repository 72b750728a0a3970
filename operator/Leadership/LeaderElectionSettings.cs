namespace SecretFleet.Operator.Leadership;

/// <summary>
/// Lease-based leader election timing (client-go's defaults). A leader renews every <see cref="RetryPeriod"/>;
/// if it cannot renew within <see cref="RenewDeadline"/> it steps down (the process exits); a standby takes
/// over once it has seen the lease unchanged for <see cref="LeaseDuration"/>.
/// </summary>
internal sealed record LeaderElectionSettings(string LeaseName, string LeaseNamespace, string Identity)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>This replica held the leader lease and lost it; it must stop acting (the process exits).</summary>
internal sealed class LeadershipLostException(string message) : Exception(message);
