using SecretFleet.Core.Retry;

namespace SecretFleet.Operator.Queue;

/// <summary>Concurrency and retry settings of a <see cref="WorkQueue"/>.</summary>
internal sealed record WorkQueueOptions
{
    /// <summary>Name used in logs and as the <c>queue</c> label of the queue's metrics.</summary>
    public string Name { get; init; } = "secretcluster";

    /// <summary>Reconciles running at once (distinct keys; one key never runs twice at once).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Delay after the first failure of a key; doubles with each further failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The backoff never exceeds this.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Fraction (0..1) by which a backoff delay is randomly shortened, so keys that failed
    /// together (an API server outage) do not all retry at the same instant.
    /// </summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The retry delays these settings describe; throws when they are out of range.</summary>
    public Backoff Backoff => new(BaseDelay, MaxDelay, Jitter);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        _ = Backoff;
    }
}
