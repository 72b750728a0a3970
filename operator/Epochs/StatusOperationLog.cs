using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using CoreKind = SecretFleet.Core.Protos.OperationKind;
using KubeKind = SecretFleet.Kube.SecretClusters.RefreshKind;

namespace SecretFleet.Operator.Epochs;

/// <summary>
/// The coordinator's operation log in <c>status.refresh</c> of the SecretCluster, written through /status
/// before the coordinator acts on it. An open record is <c>status.refresh</c>; completing it clears that and,
/// for a committed refresh, moves <c>status.epoch</c> and <c>status.lastRefreshTime</c> in the same write; for a committed
/// resharing, <c>status.epoch</c>, <c>status.replicas</c> and <c>status.threshold</c> (the applied shape), so that no
/// reconcile ever sees the new epoch with the old shape.
/// Every write carries the resourceVersion it was computed from; on a conflict it re-reads and tries again,
/// so a concurrent status write never loses the decision and the decision never overwrites another operation.
/// </summary>
internal sealed partial class StatusOperationLog(IKubeApi api, string @namespace, string name, TimeProvider time, ILogger log) : IOperationLog
{
    private const int MaxAttempts = 8;

    public async Task<OperationLogRecord?> LoadAsync(CancellationToken cancellationToken)
    {
        var cluster = await api.GetAsync<SecretCluster>(@namespace, name, cancellationToken).ConfigureAwait(false)
            ?? throw new KubeApiException($"SecretCluster {@namespace}/{name} is gone; its operation log went with it.");
        return ToRecord(cluster.Status?.Refresh);
    }

    public async Task SaveAsync(OperationLogRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        for (var attempt = 1; ; attempt++)
        {
            var cluster = await api.GetAsync<SecretCluster>(@namespace, name, cancellationToken).ConfigureAwait(false)
                ?? throw new KubeApiException($"SecretCluster {@namespace}/{name} is gone; operation {record.Id} cannot be recorded.");
            var open = cluster.Status?.Refresh;
            if (open?.Id is { Length: > 0 } openId && openId != record.Id)
            {
                // Never replace another operation's record: its decision may still have to reach the nodes.
                throw new InvalidOperationException($"SecretCluster {@namespace}/{name} records operation {openId}; operation {record.Id} cannot replace it.");
            }

            try
            {
                var patch = Patch(record, cluster, time.GetUtcNow());
                await api.PatchStatusAsync<SecretCluster>(@namespace, name, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
                LogSaved(log, record.Id, record.Decision, record.Completed);
                return;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < MaxAttempts)
            {
                LogConflict(log, record.Id, attempt);
            }
        }
    }

    /// <summary>The merge patch that records <paramref name="record"/> on top of <paramref name="cluster"/>'s status.</summary>
    internal static JsonObject Patch(OperationLogRecord record, SecretCluster cluster, DateTimeOffset now)
    {
        var status = new JsonObject();
        if (record.Completed)
        {
            status["refresh"] = null;
            if (record.Decision == OperationDecision.Commit && record.Kind == CoreKind.Refresh)
            {
                status["epoch"] = (long)record.TargetEpoch;
                status["lastRefreshTime"] = JsonSerializer.SerializeToNode(now, KubeJson.Options);
            }
            else if (record.Decision == OperationDecision.Commit && record.Kind == CoreKind.Recovery)
            {
                var recovered = new SortedSet<int>(cluster.Status?.RecoveredOrdinals ?? []) { NodeIndex.OrdinalOf(record.RecoveryTargetX) };
                status["recoveredOrdinals"] = new JsonArray([.. recovered.Select(o => (JsonNode)o)]);
            }
            else if (record.Decision == OperationDecision.Commit && record.Kind == CoreKind.Resharing)
            {
                // The new committee is ordinals 0..n'-1: the operator deals to no other.
                var replicas = record.Receivers?.Count ?? 0;
                status["epoch"] = (long)record.TargetEpoch;
                status["replicas"] = replicas;
                status["threshold"] = record.NewThreshold;
                status["recoveredOrdinals"] = new JsonArray([.. (cluster.Status?.RecoveredOrdinals ?? []).Where(o => o < replicas).Select(o => (JsonNode)o)]);
            }
        }
        else
        {
            status["refresh"] = JsonSerializer.SerializeToNode(ToStatus(record), KubeJson.Options);
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = cluster.Metadata.ResourceVersion },
            ["status"] = status,
        };
    }

    internal static RefreshStatus ToStatus(OperationLogRecord record) => new()
    {
        Id = record.Id,
        Kind = record.Kind switch
        {
            CoreKind.Recovery => KubeKind.Recovery,
            CoreKind.Resharing => KubeKind.Resharing,
            _ => KubeKind.Refresh,
        },
        FromEpoch = (long)record.Epoch,
        TargetEpoch = (long)record.TargetEpoch,
        Phase = record.Decision switch
        {
            OperationDecision.Commit => RefreshPhase.Committing,
            OperationDecision.Abort => RefreshPhase.Aborting,
            _ => RefreshPhase.Dealing,
        },
        Decision = record.Decision switch
        {
            OperationDecision.Commit => RefreshDecision.Commit,
            OperationDecision.Abort => RefreshDecision.Abort,
            _ => null,
        },
        StartedAt = record.StartedAt,
        Participants = [.. record.Participants.Select(x => NodeIndex.OrdinalOf(x))],
        RecoveryOrdinal = record.RecoveryTargetX == 0 ? null : NodeIndex.OrdinalOf(record.RecoveryTargetX),
        Receivers = record.Receivers is { } receivers ? [.. receivers.Select(x => NodeIndex.OrdinalOf(x))] : null,
        NewThreshold = record.NewThreshold == 0 ? null : record.NewThreshold,
        Reason = record.Reason.Length == 0 ? null : record.Reason,
        ReasonCode = record.ReasonCode.Length == 0 ? null : record.ReasonCode,
    };

    /// <summary>The open record <c>status.refresh</c> describes, or null when none is open.</summary>
    internal static OperationLogRecord? ToRecord(RefreshStatus? refresh)
    {
        if (refresh?.Id is not { Length: > 0 } id)
        {
            return null;
        }

        // Records written before resharing existed have no receivers and no new threshold, and read as before.
        var kind = refresh.Kind switch
        {
            KubeKind.Recovery => CoreKind.Recovery,
            KubeKind.Resharing => CoreKind.Resharing,
            _ => CoreKind.Refresh,
        };
        var target = (ulong)Math.Max(0, refresh.TargetEpoch ?? 0);
        var from = (ulong)Math.Max(0, refresh.FromEpoch ?? (kind != CoreKind.Recovery && target > 0 ? (long)target - 1 : (long)target));
        return new OperationLogRecord(
            id,
            kind,
            from,
            target,
            [.. (refresh.Participants ?? []).Select(NodeIndex.XOf)],
            refresh.RecoveryOrdinal is { } ordinal ? NodeIndex.XOf(ordinal) : (byte)0,
            refresh.Decision switch
            {
                RefreshDecision.Commit => OperationDecision.Commit,
                RefreshDecision.Abort => OperationDecision.Abort,
                _ => OperationDecision.None,
            },
            refresh.Reason ?? "",
            refresh.ReasonCode ?? "",
            refresh.StartedAt ?? DateTimeOffset.UnixEpoch,
            Completed: false,
            refresh.Receivers is { } receivers ? [.. receivers.Select(NodeIndex.XOf)] : null,
            refresh.NewThreshold ?? 0);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Operation {OperationId} recorded in status (decision {Decision}, completed {Completed})")]
    private static partial void LogSaved(ILogger logger, string operationId, OperationDecision decision, bool completed);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Recording operation {OperationId} conflicted with another status write (attempt {Attempt}); re-reading")]
    private static partial void LogConflict(ILogger logger, string operationId, int attempt);
}
