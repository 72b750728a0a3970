namespace SecretFleet.Kube.Models;

/// <summary>
/// metav1.Status: the body of every API error and of watch ERROR events.
/// Named ApiStatus so it does not collide with the many `Status` properties.
/// </summary>
public sealed record ApiStatus
{
    public string? ApiVersion { get; init; } = "v1";

    public string? Kind { get; init; } = "Status";

    /// <summary>"Success" or "Failure".</summary>
    public string? Status { get; init; }

    public string? Message { get; init; }

    /// <summary>Machine-readable: NotFound, AlreadyExists, Conflict, Expired, Gone, Forbidden, Invalid, TooManyRequests, …</summary>
    public string? Reason { get; init; }

    public int? Code { get; init; }

    public ApiStatusDetails? Details { get; init; }
}

public sealed record ApiStatusDetails
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    public string? Kind { get; init; }

    public string? Uid { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public IReadOnlyList<ApiStatusCause>? Causes { get; init; }
}

public sealed record ApiStatusCause
{
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public string? Field { get; init; }
}
