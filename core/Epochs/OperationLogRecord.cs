using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>The coordinator's decision for an operation: none yet, commit, or abort.</summary>
public enum OperationDecision
{
    /// <summary>Still collecting verdicts; a coordinator resuming such an operation aborts it.</summary>
    None,

    /// <summary>Every node staged and every check held: all nodes must commit.</summary>
    Commit,

    /// <summary>Something failed: all nodes must drop the stage.</summary>
    Abort,
}

/// <summary>
/// What the coordinator persists about an operation, before it acts on it: written before Begin
/// (so a restarted coordinator knows to abort) and with the decision before the first Commit
/// or Abort is sent (so a restarted coordinator finishes exactly that decision).
/// </summary>
public sealed record OperationLogRecord(
    string Id,
    OperationKind Kind,
    ulong Epoch,
    ulong TargetEpoch,
    IReadOnlyList<byte> Participants,
    byte RecoveryTargetX,
    OperationDecision Decision,
    string Reason,
    string ReasonCode,
    DateTimeOffset StartedAt,
    bool Completed,
    IReadOnlyList<byte>? Receivers = null,
    int NewThreshold = 0)
{
    /// <summary>
    /// Every node the decision goes to: the participants (dealers), a resharing's new committee
    /// (<see cref="Receivers"/>) and a recovery's target.
    /// </summary>
    public IReadOnlyList<byte> Everyone => [.. Participants.Concat(Receivers ?? []).Append(RecoveryTargetX).Where(x => x != 0).Distinct().Order()];

    /// <summary>Open: started or decided, but not every node has acknowledged the outcome yet.</summary>
    public bool IsOpen => !Completed;
}

/// <summary>Durable storage for the coordinator's current operation (SecretCluster status on Kubernetes, a file locally).</summary>
public interface IOperationLog
{
    /// <summary>Reads the last operation record, or null when there never was one.</summary>
    Task<OperationLogRecord?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the record durably before returning.</summary>
    Task SaveAsync(OperationLogRecord record, CancellationToken cancellationToken);
}
