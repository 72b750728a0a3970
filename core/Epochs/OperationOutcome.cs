using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>How an operation ended, for the CLI, the operator's status and events.</summary>
public sealed record OperationOutcome(
    string OperationId,
    OperationKind Kind,
    OperationDecision Decision,
    ulong Epoch,
    string Reason,
    string ReasonCode,
    IReadOnlyList<byte> Culprits,
    long Pairs,
    TimeSpan Duration,
    bool AllAcknowledged)
{
    /// <summary>True when the operation committed.</summary>
    public bool Committed => Decision == OperationDecision.Commit;
}

/// <summary>Progress of a running operation: pairs processed over all receivers.</summary>
public sealed record OperationProgress(string Phase, long PairsDone, long PairsTotal);

/// <summary>An operation that could not even start (another one runs, a node is unreachable, epochs disagree).</summary>
public sealed class OperationRefusedException(string message) : Exception(message);
