namespace SecretFleet.Kube;

/// <summary>Client behaviour that is not part of the connection: timeouts, throttling retries, the clock.</summary>
public sealed record KubeApiOptions
{
    /// <summary>Time limit of one request (until the whole body is read; for a watch, until its headers).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a request answered 429 (or 5xx) with Retry-After is retried before the error surfaces.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The longest Retry-After we honour; longer requests are cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
