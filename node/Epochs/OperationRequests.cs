using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>Checks a coordinator's Begin against this node's state and turns it into an <see cref="OperationRecord"/>.</summary>
internal static partial class OperationRequests
{
    public const int DefaultBatchBlocks = 16384;
    private const int MinBatchBlocks = 64;
    private const int MaxBatchBlocks = 1 << 20;

    public static OperationRecord ToRecord(BeginRequest request, NodeState state, FleetIdentity self)
    {
        if (!OperationId().IsMatch(request.OperationId))
        {
            Reject($"operation_id '{Truncate(request.OperationId)}' must be 1-64 characters of letters, digits and '-'.");
        }
        if (request.Kind is not (OperationKind.Refresh or OperationKind.Recovery or OperationKind.Resharing))
        {
            Reject("kind must be REFRESH, RECOVERY or RESHARING.");
        }
        if (request.Threshold is < 1 or > 255)
        {
            Reject($"threshold {request.Threshold} is outside 1..255.");
        }
        var dealers = new List<ParticipantInfo>();
        foreach (var dealer in request.Dealers)
        {
            if (dealers.Any(d => d.X == dealer.X))
            {
                Reject($"dealer x {dealer.X} is listed twice.");
            }
            dealers.Add(Participant(dealer, self, "dealer"));
        }
        if (dealers.DistinctBy(d => d.Identity).Count() != dealers.Count)
        {
            Reject("two dealers share one identity; every participant needs its own.");
        }
        if (dealers.Count < request.Threshold)
        {
            Reject($"{dealers.Count} dealers cannot serve threshold {request.Threshold}.");
        }
        if (string.IsNullOrEmpty(request.FleetId))
        {
            Reject("fleet_id is required.");
        }
        ParticipantInfo? target = null;
        if (request.Kind == OperationKind.Recovery)
        {
            if (request.RecoveryTarget is null || request.RecoveryTarget.X != request.RecoveryTargetX)
            {
                Reject("a recovery names its target in recovery_target, with the x of recovery_target_x.");
            }
            target = Participant(request.RecoveryTarget, self, "recovery target");
            if (dealers.Any(d => d.Identity == target.Identity))
            {
                Reject("the recovery target shares an identity with a helper.");
            }
        }
        var newCommittee = request.Kind == OperationKind.Resharing ? NewCommittee(request, dealers, self) : null;
        var batchBlocks = request.BatchBlocks == 0 ? DefaultBatchBlocks : (int)Math.Clamp(request.BatchBlocks, MinBatchBlocks, MaxBatchBlocks);
        var record = new OperationRecord(request.OperationId, request.Kind, OperationPhase.Dealing, request.Epoch, request.TargetEpoch,
            (int)request.Threshold, dealers.OrderBy(d => d.X).ToArray(), (byte)Math.Min(request.RecoveryTargetX, 255u), batchBlocks, request.FleetId,
            RecoveryTarget: target, NewCommittee: newCommittee, NewThreshold: newCommittee is null ? 0 : (int)request.NewThreshold,
            CatchUp: request.CatchUp, FleetNodes: (int)request.FleetNodes);
        if (request.FleetNodes != 0 && (newCommittee is not null || request.FleetNodes < dealers.Count + (target is null ? 0 : 1) || request.FleetNodes > 255))
        {
            Reject($"fleet_nodes {request.FleetNodes} does not fit {dealers.Count} participants{(newCommittee is null ? "" : " of a resharing, whose size is its new committee's")}.");
        }
        if (request.CatchUp && newCommittee is null)
        {
            Reject("catch_up is a round of a resharing only.");
        }
        CheckRole(record, request, state);
        CheckOwnIdentity(record, state, self);
        return record;
    }

    // The new committee of a resharing: its own x's and identities, and the same identity for a node
    // that is in both committees. Fewer than 2t − 1 dealers can never commit (docs/protocol.md).
    private static ParticipantInfo[] NewCommittee(BeginRequest request, List<ParticipantInfo> dealers, FleetIdentity self)
    {
        var receivers = new List<ParticipantInfo>();
        foreach (var receiver in request.Receivers)
        {
            if (receivers.Any(r => r.X == receiver.X))
            {
                Reject($"receiver x {receiver.X} is listed twice.");
            }
            var info = Participant(receiver, self, "receiver");
            if (dealers.FirstOrDefault(d => d.X == info.X) is { } dealer && dealer.Identity != info.Identity)
            {
                Reject($"x {info.X} is named {dealer.Identity} as a dealer and {info.Identity} as a receiver.");
            }
            receivers.Add(info);
        }
        if (receivers.DistinctBy(r => r.Identity).Count() != receivers.Count)
        {
            Reject("two receivers share one identity; every participant needs its own.");
        }
        if (request.NewThreshold < 1 || request.NewThreshold > receivers.Count)
        {
            Reject($"new_threshold {request.NewThreshold} with {receivers.Count} receivers; need 1 ≤ t' ≤ n'.");
        }
        if (dealers.Count < 2 * request.Threshold - 1)
        {
            Reject($"{dealers.Count} dealers cannot reshare threshold {request.Threshold}: at least 2t − 1 = {2 * request.Threshold - 1} must agree.");
        }
        return [.. receivers.OrderBy(r => r.X)];
    }

    // A participant is a node of this node's own trust domain, named by its certificate identity:
    // what a peer may fetch is decided by that identity, so it must be exact.
    private static ParticipantInfo Participant(Participant participant, FleetIdentity self, string what)
    {
        Uri? endpoint = null;
        if (participant.X is < 1 or > 255 || string.IsNullOrWhiteSpace(participant.Endpoint) || !Uri.TryCreate(participant.Endpoint, UriKind.Absolute, out endpoint))
        {
            Reject($"{what} x {participant.X} needs an x in 1..255 and an absolute endpoint URL.");
        }
        if (!FleetIdentity.TryParse(participant.Identity, out var identity) || identity.Role != FleetRole.Node || identity.TrustDomain != self.TrustDomain)
        {
            Reject($"{what} x {participant.X} needs the identity of a node of trust domain {self.TrustDomain}, not '{Truncate(participant.Identity)}'.");
        }
        return new ParticipantInfo((byte)participant.X, participant.Endpoint, string.IsNullOrEmpty(participant.TlsName) ? endpoint.Host : participant.TlsName, identity.ToString());
    }

    // The coordinator must name this node by the identity it holds, or peers would serve this
    // node's dealings to whoever holds the identity named instead.
    private static void CheckOwnIdentity(OperationRecord record, NodeState state, FleetIdentity self)
    {
        var own = record.IsRecoveryTarget(state.X) ? record.RecoveryTarget : record.Receiver(state.X) ?? record.Dealers.FirstOrDefault(d => d.X == state.X);
        if (own is not null && own.Identity != self.ToString())
        {
            Reject($"the operation names x {state.X} as {own.Identity}, but this node is {self}.");
        }
    }

    private static void CheckRole(OperationRecord record, BeginRequest request, NodeState state)
    {
        if (record.IsResharing)
        {
            if (request.TargetEpoch != request.Epoch + 1)
            {
                Reject($"a resharing goes from epoch {request.Epoch} to {request.Epoch + 1}, not {request.TargetEpoch}.");
            }
            if (!record.IsDealer(state.X))
            {
                if (record.Receiver(state.X) is null)
                {
                    Reject($"this node (x {state.X}) is in neither committee of the resharing.");
                }
                if (state.IsMember && state.FleetId != request.FleetId)
                {
                    FailedPrecondition($"this node belongs to fleet {state.FleetId}, not {request.FleetId}.");
                }
                // A joining node holds nothing of this fleet yet; whatever it held is replaced at commit.
                return;
            }
        }
        else if (record.Kind == OperationKind.Refresh)
        {
            if (!record.IsDealer(state.X))
            {
                Reject($"this node (x {state.X}) is not among the refresh participants.");
            }
            if (request.TargetEpoch != request.Epoch + 1)
            {
                Reject($"a refresh goes from epoch {request.Epoch} to {request.Epoch + 1}, not {request.TargetEpoch}.");
            }
        }
        else
        {
            if (request.RecoveryTargetX is < 1 or > 255 || record.IsDealer((byte)request.RecoveryTargetX))
            {
                Reject($"recovery_target_x {request.RecoveryTargetX} must be 1..255 and not a helper.");
            }
            if (request.TargetEpoch != request.Epoch)
            {
                Reject($"a recovery keeps epoch {request.Epoch}; target_epoch {request.TargetEpoch} differs.");
            }
            if (record.IsRecoveryTarget(state.X))
            {
                if (state.IsMember && state.FleetId != request.FleetId)
                {
                    FailedPrecondition($"this node belongs to fleet {state.FleetId}, not {request.FleetId}.");
                }
                return;
            }
            if (!record.IsDealer(state.X))
            {
                Reject($"this node (x {state.X}) is neither a helper nor the target of the recovery.");
            }
        }
        if (!state.IsMember || state.FleetId != request.FleetId)
        {
            FailedPrecondition(state.IsMember
                ? $"this node belongs to fleet {state.FleetId}, not {request.FleetId}."
                : "this node is not a fleet member yet; recover its shares first.");
        }
        if (state.Epoch != request.Epoch)
        {
            FailedPrecondition($"this node is at epoch {state.Epoch}, not {request.Epoch}.");
        }
    }

    /// <summary>One sentence for a failure that is not a dealer's fault (an unreachable peer, a timeout, a disk error).</summary>
    public static string Describe(Exception error) => error switch
    {
        OperationRejectedException rejected => rejected.Message,
        TimeoutException => "A peer did not answer in time.",
        _ => Truncate($"{error.GetType().Name}: {error.Message}"),
    };

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [DoesNotReturn]
    private static void Reject(string message) => throw new OperationRejectedException(OperationRejection.InvalidArgument, message);

    [DoesNotReturn]
    private static void FailedPrecondition(string message) => throw new OperationRejectedException(OperationRejection.FailedPrecondition, message);

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex OperationId();
}
