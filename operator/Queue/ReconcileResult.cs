namespace SecretFleet.Operator.Queue;

/// <summary>What a reconcile of one key decided; the work queue acts on it.</summary>
internal sealed record ReconcileResult
{
    private static readonly ReconcileResult SuccessResult = new(ReconcileOutcome.Success, null, null);

    private ReconcileResult(ReconcileOutcome outcome, TimeSpan? requeueAfter, string? reason)
    {
        Outcome = outcome;
        RequeueAfter = requeueAfter;
        Reason = reason;
    }

    public ReconcileOutcome Outcome { get; }

    /// <summary>Set for <see cref="ReconcileOutcome.Requeue"/>.</summary>
    public TimeSpan? RequeueAfter { get; }

    /// <summary>Set for <see cref="ReconcileOutcome.Failure"/>: one sentence, no secret values.</summary>
    public string? Reason { get; }

    /// <summary>Done; the backoff of the key is reset and it runs again only when added again.</summary>
    public static ReconcileResult Success() => SuccessResult;

    /// <summary>Done for now; run again after <paramref name="after"/> (the backoff is reset).</summary>
    public static ReconcileResult Requeue(TimeSpan after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        return new(ReconcileOutcome.Requeue, after, null);
    }

    /// <summary>Failed; retried after the key's exponential backoff.</summary>
    public static ReconcileResult Failure(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(ReconcileOutcome.Failure, null, reason);
    }
}

internal enum ReconcileOutcome
{
    Success,
    Requeue,
    Failure,
}
