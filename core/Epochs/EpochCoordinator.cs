using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// Drives refreshes and share recoveries as a two-phase commit: every participant deals,
/// verifies and stages; the coordinator decides (commit only if every node staged, no dealer
/// failed a check and every dealer's transcript is the same at every receiver), records the
/// decision durably, then tells every node. One operation at a time; a restarted coordinator
/// finishes the recorded decision, or aborts an undecided operation.
/// </summary>
public sealed partial class EpochCoordinator(INodeOperations nodes, IOperationLog log, TimeProvider time, ILogger<EpochCoordinator> logger, CoordinatorOptions? options = null)
{
    private readonly CoordinatorOptions _options = options ?? new CoordinatorOptions();
    private readonly SemaphoreSlim _single = new(1, 1);

    /// <summary>Re-randomizes every share: epoch e → e + 1 on all members.</summary>
    /// <exception cref="OperationRefusedException">Another operation runs, or a member is unreachable, not a member, or at another epoch.</exception>
    public Task<OperationOutcome> RefreshAsync(FleetView fleet, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        ExclusiveAsync(async () =>
        {
            var infos = await FleetSurvey.TakeAsync(nodes, fleet, cancellationToken).ConfigureAwait(false);
            var epoch = infos.RequireCommonEpoch(fleet.Members.Select(m => m.X));
            var record = NewRecord(OperationKind.Refresh, epoch, epoch + 1, [.. fleet.Members.Select(m => m.X)], 0);
            return await RunAsync(fleet, record, progress, cancellationToken).ConfigureAwait(false);
        }, fleet, cancellationToken);

    /// <summary>Rebuilds the shares of <paramref name="targetX"/> (lost disk, or a new ordinal) from the members that hold theirs.</summary>
    /// <exception cref="OperationRefusedException">Another operation runs, fewer than t helpers are available, or the target is unreachable or already a member.</exception>
    public Task<OperationOutcome> RecoverAsync(FleetView fleet, byte targetX, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        ExclusiveAsync(async () =>
        {
            var infos = await FleetSurvey.TakeAsync(nodes, fleet, cancellationToken, tolerateUnreachable: true).ConfigureAwait(false);
            if (!infos.Reachable(targetX))
            {
                throw new OperationRefusedException($"Node x {targetX} (ordinal {NodeIndex.OrdinalOf(targetX)}) is unreachable; its shares can be rebuilt once it answers.");
            }
            if (infos.IsMember(targetX))
            {
                throw new OperationRefusedException($"Node x {targetX} (ordinal {NodeIndex.OrdinalOf(targetX)}) already holds its shares; nothing to recover.");
            }
            var helpers = fleet.Members.Where(m => m.X != targetX && infos.IsMember(m.X)).Select(m => m.X).ToArray();
            if (helpers.Length < fleet.Threshold)
            {
                throw new OperationRefusedException($"Only {helpers.Length} members hold shares; rebuilding needs {fleet.Threshold}.");
            }
            var epoch = infos.RequireCommonEpoch(helpers);
            var record = NewRecord(OperationKind.Recovery, epoch, epoch, helpers, targetX);
            return await RunAsync(fleet, record, progress, cancellationToken).ConfigureAwait(false);
        }, fleet, cancellationToken);

    /// <summary>
    /// Reshares every secret from the fleet's members (threshold t) to <paramref name="newCommittee"/>
    /// with threshold <paramref name="newThreshold"/>: all n members deal, the new committee receives.
    /// Commit makes the new committee current at epoch e + 1 and erases every old share, on nodes that
    /// leave too; abort leaves the old committee as it was. Writes are refused while it runs.
    /// </summary>
    /// <param name="fleet">The fleet as it is (its members are the old committee).</param>
    /// <param name="newCommittee">The nodes that hold the shares afterwards: members that stay, and new nodes already running.</param>
    /// <param name="newThreshold">The threshold afterwards, 1 ≤ t' ≤ |newCommittee|.</param>
    /// <param name="progress">Receives progress while the new committee stages.</param>
    /// <param name="cancellationToken">Cancels the operation (it aborts).</param>
    /// <exception cref="OperationRefusedException">Another operation runs; a member is unreachable or not at the common epoch; fewer than 2t − 1 members; an impossible new shape; a new node that belongs to another fleet.</exception>
    public Task<OperationOutcome> ReshareAsync(FleetView fleet, IReadOnlyList<FleetMember> newCommittee, int newThreshold, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(newCommittee);
        var everyone = ResharingView(fleet, newCommittee);
        if (ResharingShape.NewShapeRefusal(newCommittee.Count, newThreshold) is { } impossible)
        {
            throw new OperationRefusedException(impossible);
        }
        return ExclusiveAsync(async () =>
        {
            var infos = await FleetSurvey.TakeAsync(nodes, everyone, cancellationToken).ConfigureAwait(false);
            var oldXs = fleet.Members.Select(m => m.X).ToArray();
            var epoch = infos.RequireCommonEpoch(oldXs);
            foreach (var joining in newCommittee.Where(m => !oldXs.Contains(m.X)))
            {
                if (infos.Info(joining.X).FleetId is { Length: > 0 } id && id != fleet.FleetId)
                {
                    throw new OperationRefusedException($"Node x {joining.X} belongs to another fleet ({id}); give it a fresh data directory.");
                }
            }
            var record = NewRecord(OperationKind.Resharing, epoch, epoch + 1, oldXs, 0) with
            {
                Receivers = [.. newCommittee.Select(m => m.X).Order()],
                NewThreshold = newThreshold,
            };
            return await RunAsync(everyone, record, progress, cancellationToken).ConfigureAwait(false);
        }, everyone, cancellationToken);
    }

    /// <summary>
    /// The fleet and a new committee as one view (every node a resharing talks to), after checking
    /// the shape: a resharing commits only when at least 2t − 1 dealers agree (docs/protocol.md).
    /// </summary>
    /// <exception cref="OperationRefusedException">Fewer than 2t − 1 members, an impossible new shape, or an x named twice with two identities.</exception>
    public static FleetView ResharingView(FleetView fleet, IReadOnlyList<FleetMember> newCommittee)
    {
        ArgumentNullException.ThrowIfNull(newCommittee);
        RequireReshareable(fleet);
        if (newCommittee.Count == 0 || newCommittee.Select(m => m.X).Distinct().Count() != newCommittee.Count)
        {
            throw new OperationRefusedException("The new committee needs at least one node, each x once.");
        }
        var members = fleet.Members.ToDictionary(m => m.X);
        foreach (var member in newCommittee)
        {
            if (members.TryGetValue(member.X, out var known) && known.Identity != member.Identity)
            {
                throw new OperationRefusedException($"Node x {member.X} is {known.Identity} in the fleet and {member.Identity} in the new committee.");
            }
            members.TryAdd(member.X, member);
        }
        return new FleetView(fleet.FleetId, fleet.Threshold, [.. members.Values.OrderBy(m => m.X)]);
    }

    /// <summary>A resharing commits only when at least 2t − 1 dealers agree (docs/protocol.md): smaller fleets are refused before anything starts.</summary>
    /// <exception cref="OperationRefusedException">Fewer than 2t − 1 members.</exception>
    public static void RequireReshareable(FleetView fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        if (ResharingShape.DealersRefusal(fleet.Members.Count, fleet.Threshold) is { } tooFew)
        {
            throw new OperationRefusedException(tooFew);
        }
    }

    /// <summary>
    /// Finishes an operation a previous coordinator left open: re-sends its decision, or aborts
    /// it when no decision was recorded. Null when nothing was open.
    /// </summary>
    public async Task<OperationOutcome?> ResumeAsync(FleetView fleet, CancellationToken cancellationToken)
    {
        await _single.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ResumeOpenAsync(fleet, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _single.Release();
        }
    }

    /// <summary>
    /// First formation: when no member holds shares yet, makes every node a member of
    /// <see cref="FleetView.FleetId"/> at epoch 0. Returns the xs that are not members
    /// while others are (they need <see cref="RecoverAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<byte>> EnsureMembershipAsync(FleetView fleet, bool allowFormation, CancellationToken cancellationToken)
    {
        var infos = await FleetSurvey.TakeAsync(nodes, fleet, cancellationToken, tolerateUnreachable: true).ConfigureAwait(false);
        var foreign = fleet.Members.Where(m => infos.Reachable(m.X) && infos.Info(m.X).FleetId is { Length: > 0 } id && id != fleet.FleetId).ToArray();
        if (foreign.Length > 0)
        {
            throw new OperationRefusedException($"Node x {foreign[0].X} belongs to another fleet ({infos.Info(foreign[0].X).FleetId}); give it a fresh data directory.");
        }
        var members = fleet.Members.Where(m => infos.IsMember(m.X)).ToArray();
        if (members.Length > 0)
        {
            return [.. fleet.Members.Where(m => infos.Reachable(m.X) && !infos.IsMember(m.X)).Select(m => m.X)];
        }
        if (!allowFormation)
        {
            throw new OperationRefusedException("No node holds shares although this fleet existed before: every node lost its data. Restore a node's data directory; a new fleet is not formed over lost secrets.");
        }
        if (fleet.Members.Any(m => !infos.Reachable(m.X)))
        {
            throw new OperationRefusedException("The fleet forms once every node answers; some do not yet.");
        }
        await Task.WhenAll(fleet.Members.Select(m => nodes.JoinAsync(m, new JoinRequest { FleetId = fleet.FleetId, Epoch = infos.Info(m.X).Epoch }, cancellationToken))).ConfigureAwait(false);
        LogFormed(logger, fleet.FleetId, fleet.Members.Count);
        return [];
    }

    private async Task<OperationOutcome> ExclusiveAsync(Func<Task<OperationOutcome>> start, FleetView fleet, CancellationToken cancellationToken)
    {
        if (!await _single.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new OperationRefusedException("A refresh, recovery or resharing is already running on this fleet; wait for it to finish.");
        }
        try
        {
            var resumed = await ResumeOpenAsync(fleet, cancellationToken).ConfigureAwait(false);
            if (resumed is { AllAcknowledged: false })
            {
                throw new OperationRefusedException($"Operation {resumed.OperationId} still waits for every node to acknowledge its {resumed.Decision.ToString().ToLowerInvariant()}; bring all nodes up first.");
            }
            return await start().ConfigureAwait(false);
        }
        finally
        {
            _single.Release();
        }
    }

    private async Task<OperationOutcome?> ResumeOpenAsync(FleetView fleet, CancellationToken cancellationToken)
    {
        var record = await log.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (record is null || !record.IsOpen)
        {
            return null;
        }
        if (record.Decision == OperationDecision.None)
        {
            record = record with { Decision = OperationDecision.Abort, Reason = "The coordinator stopped before deciding.", ReasonCode = "cancelled" };
            await log.SaveAsync(record, cancellationToken).ConfigureAwait(false);
        }
        LogResuming(logger, record.Id, record.Decision);
        return await FinishAsync(fleet, record, [], 0, time.GetTimestamp(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<OperationOutcome> RunAsync(FleetView fleet, OperationLogRecord record, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await log.SaveAsync(record, cancellationToken).ConfigureAwait(false);
        LogStarting(logger, record.Id, record.Kind, record.Epoch, record.TargetEpoch, record.Participants.Count);
        var run = new OperationRun(nodes, fleet, record, time, _options, progress);
        var verdict = await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        record = record with { Decision = verdict.Decision, Reason = verdict.Reason, ReasonCode = verdict.ReasonCode };
        // The decision is durable before any node hears it: a coordinator that dies now is
        // replaced by one that sends the very same decision.
        await log.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
        return await FinishAsync(fleet, record, verdict.Culprits, verdict.Pairs, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OperationOutcome> FinishAsync(FleetView fleet, OperationLogRecord record, IReadOnlyList<byte> culprits, long pairs, long started, CancellationToken cancellationToken)
    {
        var participants = record.Everyone.Select(fleet.Member).ToArray();
        var deadline = time.GetUtcNow() + _options.FinishTimeout;
        var pending = participants.ToList();
        ulong epoch = record.Decision == OperationDecision.Commit ? record.TargetEpoch : record.Epoch;
        var delay = TimeSpan.FromMilliseconds(100);
        while (pending.Count > 0)
        {
            var results = await Task.WhenAll(pending.Select(node => TellAsync(node, record, cancellationToken))).ConfigureAwait(false);
            pending = [.. pending.Where((_, i) => !results[i])];
            if (pending.Count == 0 || time.GetUtcNow() >= deadline || cancellationToken.IsCancellationRequested)
            {
                break;
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
        var all = pending.Count == 0;
        if (all)
        {
            await log.SaveAsync(record with { Completed = true }, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            LogUnacknowledged(logger, record.Id, string.Join(", ", pending.Select(p => p.X)));
        }
        var duration = time.GetElapsedTime(started);
        LogFinished(logger, record.Id, record.Decision, record.Reason, duration.TotalSeconds);
        return new OperationOutcome(record.Id, record.Kind, record.Decision, epoch, record.Reason, record.ReasonCode, culprits, pairs, duration, all);
    }

    private async Task<bool> TellAsync(FleetMember node, OperationLogRecord record, CancellationToken cancellationToken)
    {
        try
        {
            if (record.Decision == OperationDecision.Commit)
            {
                await nodes.CommitAsync(node, record.Id, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await nodes.AbortAsync(node, new AbortRequest { OperationId = record.Id, Reason = record.Reason, ReasonCode = record.ReasonCode }, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogTellFailed(logger, record.Id, node.X, e.Message);
            return false;
        }
    }

    private OperationLogRecord NewRecord(OperationKind kind, ulong epoch, ulong targetEpoch, IReadOnlyList<byte> participants, byte targetX) =>
        new($"{kind.Name()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}",
            kind, epoch, targetEpoch, participants, targetX, OperationDecision.None, "", "", time.GetUtcNow(), Completed: false);

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Operation {OperationId} ({Kind}) starting: epoch {Epoch} -> {TargetEpoch} with {Participants} participants")]
    private static partial void LogStarting(ILogger logger, string operationId, OperationKind kind, ulong epoch, ulong targetEpoch, int participants);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Operation {OperationId} finished: {Decision} ({Reason}) in {Seconds:F2} s")]
    private static partial void LogFinished(ILogger logger, string operationId, OperationDecision decision, string reason, double seconds);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Operation {OperationId}: could not deliver the decision to node x {X}: {Error}")]
    private static partial void LogTellFailed(ILogger logger, string operationId, byte x, string error);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Operation {OperationId} stays open: nodes {Xs} have not acknowledged the decision; it is re-sent on resume")]
    private static partial void LogUnacknowledged(ILogger logger, string operationId, string xs);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Resuming operation {OperationId} with decision {Decision}")]
    private static partial void LogResuming(ILogger logger, string operationId, OperationDecision decision);

    [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Fleet {FleetId} formed with {Members} members")]
    private static partial void LogFormed(ILogger logger, string fleetId, int members);
}
