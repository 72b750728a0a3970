using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// One participant of an operation as the coordinator named it. <paramref name="Identity"/> is the
/// certificate identity it must present to be served what is meant for it, and to serve us.
/// </summary>
internal sealed record ParticipantInfo(byte X, string Endpoint, string TlsName, string Identity);

/// <summary>
/// The operation (refresh, recovery or resharing) this node takes part in, persisted in node_state so a
/// restarted node knows what it staged and waits for the coordinator's decision. <paramref name="CatchUp"/>
/// marks a resharing's last round, over the pairs written while its snapshot was dealt.
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
    string Failure = "",
    ParticipantInfo? RecoveryTarget = null,
    IReadOnlyList<ParticipantInfo>? NewCommittee = null,
    int NewThreshold = 0,
    bool CatchUp = false,
    int FleetNodes = 0)
{
    /// <summary>
    /// Who receives dealings: the new committee of a resharing; otherwise the dealers themselves
    /// (all n, or the recovery helpers).
    /// </summary>
    public IReadOnlyList<ParticipantInfo> Receivers => Kind == OperationKind.Resharing ? NewCommittee ?? [] : Dealers;

    public bool IsResharing => Kind == OperationKind.Resharing;

    /// <summary>The threshold the shares have after commit.</summary>
    public int ThresholdAfter => IsResharing ? NewThreshold : Threshold;

    /// <summary>A resharing dealer outside the new committee: it holds nothing once the resharing commits.</summary>
    public bool IsDeparting(byte x) => IsResharing && IsDealer(x) && Receiver(x) is null;

    /// <summary>
    /// A resharing receiver outside the old committee: it holds nothing of the fleet, and everything
    /// it holds after commit comes from the dealers.
    /// </summary>
    public bool IsJoining(byte x) => IsResharing && !IsDealer(x) && Receiver(x) is not null;

    /// <summary>Refresh polynomials vanish at 0 (the secret is kept); recovery ones at the target's x (its share is kept).</summary>
    public byte ZeroAt => Kind == OperationKind.Recovery ? RecoveryTargetX : (byte)0;

    public bool IsDealer(byte x) => Dealers.Any(d => d.X == x);

    /// <summary>The receiver at <paramref name="x"/>, or null when x receives nothing in this operation.</summary>
    public ParticipantInfo? Receiver(byte x) => Receivers.FirstOrDefault(r => r.X == x);

    public bool IsRecoveryTarget(byte x) => Kind == OperationKind.Recovery && RecoveryTargetX == x;

    public bool IsFinished => Phase is OperationPhase.Committed or OperationPhase.Aborted;
}
