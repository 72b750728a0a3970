using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>One participant of an operation as the coordinator named it.</summary>
internal sealed record ParticipantInfo(byte X, string Endpoint, string TlsName);

/// <summary>
/// The operation (refresh or recovery) this node takes part in, persisted in node_state so a
/// restarted node knows what it staged and waits for the coordinator's decision.
/// </summary>
internal sealed record OperationRecord(
    string Id,
    OperationKind Kind,
    OperationPhase Phase,
    ulong Epoch,
    ulong TargetEpoch,
    int Threshold,
    IReadOnlyList<ParticipantInfo> Dealers,
    byte RecoveryTargetX,
    int BatchBlocks,
    string FleetId,
    string Failure = "")
{
    /// <summary>Receivers of dealings are always the dealers themselves (all n, or the recovery helpers).</summary>
    public IReadOnlyList<ParticipantInfo> Receivers => Dealers;

    /// <summary>Refresh polynomials vanish at 0 (the secret is kept); recovery ones at the target's x (its share is kept).</summary>
    public byte ZeroAt => Kind == OperationKind.Recovery ? RecoveryTargetX : (byte)0;

    public bool IsDealer(byte x) => Dealers.Any(d => d.X == x);

    public bool IsRecoveryTarget(byte x) => Kind == OperationKind.Recovery && RecoveryTargetX == x;

    public bool IsFinished => Phase is OperationPhase.Committed or OperationPhase.Aborted;
}
