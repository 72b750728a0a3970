namespace SecretFleet.Core.Scheduling;

/// <summary>Settings of a <see cref="ScheduledRunner"/>.</summary>
public sealed record ScheduledRunnerOptions
{
    /// <summary>When the action last ran (from persisted state); null means "now, at start".</summary>
    public DateTimeOffset? LastRun { get; init; }

    /// <summary>After a failed run, try again this soon if the schedule would wait longer.</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromMinutes(1);
}
