using System.Text.RegularExpressions;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>Checks a coordinator's Begin against this node's state and turns it into an <see cref="OperationRecord"/>.</summary>
internal static partial class OperationRequests
{
    public const int DefaultBatchBlocks = 16384;
    private const int MinBatchBlocks = 64;
    private const int MaxBatchBlocks = 1 << 20;

    public static OperationRecord ToRecord(BeginRequest request, NodeState state)
    {
        if (!OperationId().IsMatch(request.OperationId))
        {
            Reject($"operation_id '{Truncate(request.OperationId)}' must be 1-64 characters of letters, digits and '-'.");
        }
        if (request.Kind is not (OperationKind.Refresh or OperationKind.Recovery))
        {
            Reject("kind must be REFRESH or RECOVERY.");
        }
        if (request.Threshold is < 1 or > 255)
        {
            Reject($"threshold {request.Threshold} is outside 1..255.");
        }
        var dealers = new List<ParticipantInfo>();
        foreach (var dealer in request.Dealers)
        {
            if (dealer.X is < 1 or > 255 || string.IsNullOrWhiteSpace(dealer.Endpoint) || !Uri.TryCreate(dealer.Endpoint, UriKind.Absolute, out _))
            {
                Reject($"dealer x {dealer.X} needs an x in 1..255 and an absolute endpoint URL.");
            }
            if (dealers.Any(d => d.X == dealer.X))
            {
                Reject($"dealer x {dealer.X} is listed twice.");
            }
            dealers.Add(new ParticipantInfo((byte)dealer.X, dealer.Endpoint, string.IsNullOrEmpty(dealer.TlsName) ? new Uri(dealer.Endpoint).Host : dealer.TlsName));
        }
        if (dealers.Count < request.Threshold)
        {
            Reject($"{dealers.Count} dealers cannot serve threshold {request.Threshold}.");
        }
        if (string.IsNullOrEmpty(request.FleetId))
        {
            Reject("fleet_id is required.");
        }
        var batchBlocks = request.BatchBlocks == 0 ? DefaultBatchBlocks : (int)Math.Clamp(request.BatchBlocks, MinBatchBlocks, MaxBatchBlocks);
        var record = new OperationRecord(request.OperationId, request.Kind, OperationPhase.Dealing, request.Epoch, request.TargetEpoch,
            (int)request.Threshold, dealers.OrderBy(d => d.X).ToArray(), (byte)Math.Min(request.RecoveryTargetX, 255u), batchBlocks, request.FleetId);
        CheckRole(record, request, state);
        return record;
    }

    private static void CheckRole(OperationRecord record, BeginRequest request, NodeState state)
    {
        if (record.Kind == OperationKind.Refresh)
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

    private static void Reject(string message) => throw new OperationRejectedException(OperationRejection.InvalidArgument, message);

    private static void FailedPrecondition(string message) => throw new OperationRejectedException(OperationRejection.FailedPrecondition, message);

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex OperationId();
}
