using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Observability;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// This node's side of refresh, recovery and resharing: idle → dealing (Begin) → verifying (Verify) →
/// staged | failed → committed | aborted. The record is durable; a node restarted while dealing
/// or verifying reports the operation failed (its dealing randomness is gone), a staged node
/// keeps its stage and waits for the coordinator's decision.
/// </summary>
internal sealed partial class EpochParticipant(Func<TlsMaterial> tls, OperationStore store, IPeerTransport peers, IDealerTamper? tamper, NodeMetrics metrics, ILogger<EpochParticipant> log) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private OperationRecord? _record;
    private IDealingSession? _dealer;
    private SnapshotSummary? _summary;
    private IReadOnlyList<SnapshotEntry> _missing = [];
    private Task? _work;
    private CancellationTokenSource? _workStop;
    private ReceiverSession? _receiver;
    private ResharingReceiverSession? _resharingReceiver;
    private RecoveryTargetSession? _target;
    private ReceiverOutcome? _outcome;
    private long _pairsTotal;
    private long _recoveredPairs;

    private byte OwnX => store.Shares.State.X;

    public OperationRecord? Current => Volatile.Read(ref _record);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var record = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (record is { Phase: OperationPhase.Dealing or OperationPhase.Verifying })
        {
            record = record with { Phase = OperationPhase.Failed, Failure = "The node restarted during the operation." };
            await store.SaveAsync(record, cancellationToken).ConfigureAwait(false);
            LogRestartedDuringOperation(log, record.Id);
        }
        _record = record;
        store.Shares.TrackChanges = record is { IsFinished: false };
        store.Shares.Freeze = record is { IsFinished: false, IsResharing: true } ? WriteFreeze.All : WriteFreeze.None;
    }

    public async Task<BeginResponse> BeginAsync(BeginRequest request, string identity, CancellationToken cancellationToken)
    {
        var record = OperationRequests.ToRecord(request, store.Shares.State, tls().Identity);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (record.CatchUp && (_record is not { IsFinished: false } open || open.Id != record.Id))
            {
                // A catch-up deals only what was stored since a first round: without one here it would deal everything as if it were that round.
                throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                    $"This node took no first round of operation {record.Id}; its catch-up round cannot start here.");
            }
            if (_record is { } existing && !existing.IsFinished)
            {
                if (existing.Id == record.Id)
                {
                    if (record.CatchUp && !existing.CatchUp)
                    {
                        await BeginCatchUpAsync(existing, identity, cancellationToken).ConfigureAwait(false);
                    }
                    else if (existing is { IsResharing: true, Phase: OperationPhase.Dealing } && _summary is not null)
                    {
                        // Deletes are accepted until Verify (a straddled store's rollback among them):
                        // the coordinator asks again until every dealer's snapshot is the same.
                        await SummarizeAgainAsync(cancellationToken).ConfigureAwait(false);
                    }
                    return Begun();
                }
                if (existing.Phase == OperationPhase.Staged)
                {
                    throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                        $"Operation {existing.Id} is staged here and waits for the coordinator's decision; commit or abort it first.");
                }
                // Never staged here, so it cannot have committed anywhere: safe to drop.
                await StopWorkAsync().ConfigureAwait(false);
                await store.AbortAsync(existing, identity, $"superseded by {record.Id}").ConfigureAwait(false);
                metrics.OperationAborted(existing.Kind, "superseded");
            }
            var began = Stopwatch.GetTimestamp();
            _pairsTotal = await store.BeginAsync(record, identity, cancellationToken).ConfigureAwait(false);
            _recoveredPairs = 0;
            await StartDealingAsync(record, cancellationToken).ConfigureAwait(false);
            metrics.OperationStarted();
            LogBegan(log, record.Id, OperationStore.Describe(record.Kind), record.Epoch, record.TargetEpoch, _pairsTotal, Stopwatch.GetElapsedTime(began).TotalSeconds);
            return Begun();
        }
        finally
        {
            _lock.Release();
        }
    }

    // A resharing's last round deals the pairs stored while the first one ran. It starts only where
    // the first round staged: that round's verdicts are then final, and its dealing is done.
    private async Task BeginCatchUpAsync(OperationRecord first, string identity, CancellationToken cancellationToken)
    {
        if (first.Phase != OperationPhase.Staged)
        {
            throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                $"Operation {first.Id} is {first.Phase} here; its catch-up round starts only once the first round staged.");
        }
        var began = Stopwatch.GetTimestamp();
        await StopWorkAsync().ConfigureAwait(false);
        var record = first with { Phase = OperationPhase.Dealing, CatchUp = true };
        _pairsTotal = await store.BeginCatchUpAsync(record, identity, cancellationToken).ConfigureAwait(false);
        await StartDealingAsync(record, cancellationToken).ConfigureAwait(false);
        LogCatchingUp(log, record.Id, _pairsTotal, Stopwatch.GetElapsedTime(began).TotalSeconds);
    }

    // A round's fresh dealing (this node's, when it deals) over the snapshot the store just took, and its summary.
    private async Task StartDealingAsync(OperationRecord record, CancellationToken cancellationToken)
    {
        _outcome = null;
        _missing = [];
        _dealer?.Dispose();
        _dealer = !record.IsDealer(OwnX) ? null
            : record.IsResharing ? new ResharingDealerSession(record, OwnX, store, peers, tls(), tamper, e => _ = FailDealingAsync(record.Id, e))
            : new DealerSession(record, OwnX, store, tamper);
        _summary = record.IsDealer(OwnX) ? await store.SummarizeSnapshotAsync(cancellationToken).ConfigureAwait(false) : null;
        Volatile.Write(ref _record, record);
    }

    private BeginResponse Begun() => new()
    {
        SnapshotPairs = (ulong)_pairsTotal,
        BucketDigests = _summary is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(_summary.Digests),
    };

    /// <summary>This dealer's snapshot pairs in the given key buckets, a page at a time, for the coordinator's reconciliation.</summary>
    public Task<SnapshotPairsResponse> SnapshotPairsAsync(SnapshotPairsRequest request, CancellationToken cancellationToken)
    {
        var record = Require(request.OperationId);
        var summary = _summary ?? throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"This node does not deal in operation {record.Id}.");
        if (request.Buckets.Count > SnapshotBuckets.Count || request.Buckets.Any(b => b >= SnapshotBuckets.Count) || request.Buckets.Zip(request.Buckets.Skip(1)).Any(p => p.First >= p.Second))
        {
            throw new OperationRejectedException(OperationRejection.InvalidArgument, $"buckets must be ascending numbers below {SnapshotBuckets.Count}.");
        }
        return summary.PageAsync(store, [.. request.Buckets.Select(b => (int)b)], (long)Math.Min(request.Cursor, long.MaxValue), cancellationToken);
    }

    public async Task VerifyAsync(VerifyRequest request, CancellationToken cancellationToken)
    {
        var missing = SnapshotEntry.Decode(request.MissingPairKeys.Span, request.MissingPairBlocks.Span)
            ?? throw new OperationRejectedException(OperationRejection.InvalidArgument, "missing_pair_keys and missing_pair_blocks must list ascending pairs with positive block counts.");
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = Require(request.OperationId);
            if (record.Phase != OperationPhase.Dealing)
            {
                return;
            }
            if (record.IsResharing)
            {
                await RequireAgreedSnapshotAsync(record, request.AgreedSnapshot.ToByteArray(), cancellationToken).ConfigureAwait(false);
            }
            _missing = missing;
            _dealer?.Agree(missing);
            record = record with { Phase = OperationPhase.Verifying };
            await store.SaveAsync(record, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _record, record);
            _workStop = new CancellationTokenSource();
            _work = Task.Run(() => RunVerificationAsync(record, _workStop.Token), CancellationToken.None);
        }
        finally
        {
            _lock.Release();
        }
    }

    // From here on no delete may change the snapshot; one that landed after the coordinator compared
    // the snapshots would make this dealer deal other pairs than the rest, and get it blamed for
    // that. The first round takes stores again (the catch-up deals them); the catch-up holds them.
    // A joining node takes no write throughout (OperationStore.BeginAsync).
    private async Task RequireAgreedSnapshotAsync(OperationRecord record, byte[] expected, CancellationToken cancellationToken)
    {
        await store.FreezeWritesAsync(record.CatchUp || record.IsJoining(OwnX) ? WriteFreeze.All : WriteFreeze.Dealing, cancellationToken).ConfigureAwait(false);
        if (_summary is null)
        {
            return;
        }
        await SummarizeAgainAsync(cancellationToken).ConfigureAwait(false);
        if (!SnapshotBuckets.Fingerprint(_summary!.Digests).AsSpan().SequenceEqual(expected))
        {
            throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                "This node's snapshot changed after the coordinator agreed on it (a delete arrived in between); retry the resharing.");
        }
    }

    // A resharing dealer's snapshot loses the pairs deleted before Verify.
    private async Task SummarizeAgainAsync(CancellationToken cancellationToken)
    {
        _summary = await store.SummarizeSnapshotAsync(cancellationToken).ConfigureAwait(false);
        _pairsTotal = _summary.Pairs;
    }

    private async Task RunVerificationAsync(OperationRecord record, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (record.IsRecoveryTarget(OwnX))
            {
                _target = new RecoveryTargetSession(record, OwnX, store, peers);
                _recoveredPairs = await _target.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (record.IsResharing)
            {
                // A node leaving the fleet only deals: its dealing runs as receivers pull it, and
                // fails this node's part (FailDealingAsync) if another dealer's mask dealing is bad.
                if (record.Receiver(OwnX) is not null)
                {
                    _resharingReceiver = new ResharingReceiverSession(record, OwnX, store, peers, tls());
                    _outcome = await _resharingReceiver.RunAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                _receiver = new ReceiverSession(record, OwnX, store, peers, _missing);
                _outcome = await _receiver.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            await FinishVerificationAsync(record with { Phase = OperationPhase.Staged }, null, cancellationToken).ConfigureAwait(false);
            LogStaged(log, record.Id, _outcome?.StagedPairs ?? _recoveredPairs, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Aborted or shutting down (a peer call may fail on the way out): the abort records the outcome.
        }
        catch (DealerMisbehavedException e)
        {
            LogDealerMisbehaved(log, record.Id, e.X, e.Problem);
            await FinishVerificationAsync(record with { Phase = OperationPhase.Failed, Failure = $"Node x {e.X} misbehaved: {e.Problem}" }, e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogVerificationFailed(log, record.Id, e.GetType().Name, e.Message);
            await FinishVerificationAsync(record with { Phase = OperationPhase.Failed, Failure = OperationRequests.Describe(e) }, null, cancellationToken).ConfigureAwait(false);
        }
    }

    // Abort holds the lock while it waits for this work to stop, so the wait for the lock must
    // end when the work is cancelled, or the two would wait for each other forever.
    private async Task FinishVerificationAsync(OperationRecord record, DealerMisbehavedException? misbehaved, CancellationToken cancellationToken)
    {
        if (misbehaved is not null)
        {
            _outcome = new ReceiverOutcome([new DealerVerdict { X = misbehaved.X, Valid = false, Problem = misbehaved.Problem }], 0, 0);
        }
        try
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            if (_record?.Id == record.Id && _record.Phase == OperationPhase.Verifying)
            {
                await store.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
                Volatile.Write(ref _record, record);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public OperationStatusResponse Status(string operationId)
    {
        var record = Current;
        if (record is null || record.Id != operationId)
        {
            throw new OperationRejectedException(OperationRejection.NotFound, $"This node knows no operation {operationId}.");
        }
        var status = new OperationStatusResponse
        {
            OperationId = record.Id,
            Phase = record.Phase,
            PairsTotal = (ulong)_pairsTotal,
            PairsDone = (ulong)(_receiver?.PairsDone ?? _resharingReceiver?.PairsDone ?? _target?.PairsDone ?? 0),
            Failure = record.Failure,
            Epoch = store.Shares.State.Epoch,
            StagedPairs = (ulong)(_outcome?.StagedPairs ?? _recoveredPairs),
        };
        if (_outcome is not null)
        {
            status.Dealers.Add(_outcome.Dealers);
        }
        if (_dealer is ResharingDealerSession resharing && resharing.OperationId == record.Id)
        {
            status.MaskDealers.Add(resharing.MaskDealers);
        }
        return status;
    }

    public async Task<ulong> CommitAsync(string operationId, string identity, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = Current;
            if (record is { Phase: OperationPhase.Committed } && record.Id == operationId)
            {
                return store.Shares.State.Epoch;
            }
            record = Require(operationId);
            if (record.Phase != OperationPhase.Staged)
            {
                throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Operation {operationId} is {record.Phase} here, not staged; it cannot commit.");
            }
            var committing = Stopwatch.GetTimestamp();
            var steps = new StepTimer();
            var state = await store.CommitAsync(record, identity, steps).ConfigureAwait(false);
            Finish(record with { Phase = OperationPhase.Committed });
            metrics.OperationCommitted(record.Kind, _outcome?.StagedPairs ?? _recoveredPairs);
            LogCommitted(log, record.Id, state.Epoch, Stopwatch.GetElapsedTime(committing).TotalSeconds, steps.ToString());
            if (store.Shares.Database.ErasurePending)
            {
                LogErasurePending(log, record.Id, store.Shares.Database.LastCheckpointProblem ?? "unknown");
            }
            return state.Epoch;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<ulong> AbortAsync(string operationId, string reason, string reasonCode, string identity, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = Current;
            if (record is null || record.Id != operationId || record.Phase == OperationPhase.Aborted)
            {
                return store.Shares.State.Epoch;
            }
            if (record.Phase == OperationPhase.Committed)
            {
                throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Operation {operationId} already committed here; it cannot be aborted.");
            }
            await StopWorkAsync().ConfigureAwait(false);
            await store.AbortAsync(record, identity, reason).ConfigureAwait(false);
            Finish(record with { Phase = OperationPhase.Aborted, Failure = reason });
            metrics.OperationAborted(record.Kind, reasonCode);
            LogAborted(log, record.Id, reason);
            return store.Shares.State.Epoch;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Serves batch <c>request.Batch</c> of this node's dealing to receiver <c>request.ReceiverX</c>,
    /// and only to a caller holding the identity Begin named for that receiver: another node's
    /// sub-shares would let a node that once stole that node's share roll it forward.
    /// </summary>
    public async Task<DealResponse> DealAsync(DealRequest request, FleetIdentity? caller, CancellationToken cancellationToken)
    {
        if (request.ReceiverX is 0 or > 255)
        {
            throw new OperationRejectedException(OperationRejection.InvalidArgument, $"receiver_x {request.ReceiverX} is outside 1..255.");
        }
        var dealer = _dealer;
        var record = Current;
        if (dealer is null || dealer.OperationId != request.OperationId || record is not { IsFinished: false } || record.Id != request.OperationId)
        {
            throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"This node is not dealing for operation {request.OperationId}.");
        }
        var receiver = record.Receiver((byte)request.ReceiverX)
            ?? throw new OperationRejectedException(OperationRejection.InvalidArgument, $"x {request.ReceiverX} is not a receiver of operation {record.Id}.");
        RequireCaller(caller, receiver, $"The dealing for x {receiver.X}");
        var response = await dealer.DealAsync(receiver.X, request.Batch, cancellationToken).ConfigureAwait(false);
        if (request.ReceiverX != OwnX)
        {
            metrics.PeerBytesSent(response.CalculateSize());
        }
        return response;
    }

    /// <summary>
    /// Serves this dealer's ν of one resharing batch at another dealer's x, and only to that dealer:
    /// with t of them, anyone could compute μ and unmask the published constants.
    /// </summary>
    public Task<DealMaskResponse> DealMaskAsync(DealMaskRequest request, FleetIdentity? caller, CancellationToken cancellationToken)
    {
        var (dealer, record) = ResharingDealer(request.OperationId);
        var receiver = request.ReceiverX is > 0 and <= 255 ? record.Dealers.FirstOrDefault(d => d.X == request.ReceiverX) : null;
        if (receiver is null)
        {
            throw new OperationRejectedException(OperationRejection.InvalidArgument, $"x {request.ReceiverX} is not a dealer of operation {record.Id}.");
        }
        RequireCaller(caller, receiver, $"The mask dealing for x {receiver.X}");
        return dealer.DealMaskAsync(receiver.X, request.Batch, cancellationToken);
    }

    /// <summary>Serves this dealer's digests of one resharing batch to the other dealers, which derive the common challenge from them.</summary>
    public Task<DealerDigestsResponse> DealerDigestsAsync(DealerDigestsRequest request, FleetIdentity? caller, CancellationToken cancellationToken)
    {
        var (dealer, record) = ResharingDealer(request.OperationId);
        var other = record.Dealers.FirstOrDefault(d => d.Identity == caller?.ToString() && d.X != OwnX)
            ?? throw new OperationRejectedException(OperationRejection.PermissionDenied,
                $"The digests of operation {record.Id} are served only to its other dealers, not to {caller?.ToString() ?? "a caller without an identity"}.");
        return dealer.DealerDigestsAsync(other.X, request.Batch, cancellationToken);
    }

    private (ResharingDealerSession Dealer, OperationRecord Record) ResharingDealer(string operationId)
    {
        var record = Current;
        return _dealer is ResharingDealerSession dealer && dealer.OperationId == operationId && record is { IsFinished: false } && record.Id == operationId
            ? (dealer, record)
            : throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"This node is not dealing for resharing {operationId}.");
    }

    // A resharing dealer's own checks (another dealer's mask dealing) fail this node's part of the operation.
    private async Task FailDealingAsync(string operationId, Exception error)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            var record = Current;
            if (record is null || record.Id != operationId || record.IsFinished || record.Phase == OperationPhase.Failed)
            {
                return;
            }
            string failure;
            if (error is DealerMisbehavedException misbehaved)
            {
                LogDealerMisbehaved(log, record.Id, misbehaved.X, misbehaved.Problem);
                failure = $"Node x {misbehaved.X} misbehaved: {misbehaved.Problem}";
            }
            else
            {
                LogVerificationFailed(log, record.Id, error.GetType().Name, error.Message);
                failure = OperationRequests.Describe(error);
            }
            record = record with { Phase = OperationPhase.Failed, Failure = failure };
            await store.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _record, record);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Serves this helper's masked values to the recovery target, and only to it: with the
    /// helpers' dealings, anyone else holding them could compute the helpers' shares.
    /// </summary>
    public async Task<FetchRecoveredResponse> FetchRecoveredAsync(FetchRecoveredRequest request, FleetIdentity? caller, CancellationToken cancellationToken)
    {
        var record = Current;
        if (record is null || record.Id != request.OperationId || record.Kind != OperationKind.Recovery || !record.IsDealer(OwnX) || record.RecoveryTarget is null)
        {
            throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"This node is not a recovery helper of operation {request.OperationId}.");
        }
        RequireCaller(caller, record.RecoveryTarget, "The masked values of this recovery");
        if (record.Phase != OperationPhase.Staged)
        {
            throw new OperationRejectedException(OperationRejection.Unavailable, $"This helper is {record.Phase}, not staged yet; retry.");
        }
        var pairs = await store.ReadMaskedAsync(checked((long)request.Cursor), record.BatchBlocks, record.Epoch, cancellationToken).ConfigureAwait(false);
        var response = new FetchRecoveredResponse();
        var values = new byte[pairs.Sum(p => p.Blocks) * 16];
        var pairKeys = request.DigestsOnly ? new byte[pairs.Count * PairCodec.PairBytes] : [];
        var pairBlocks = request.DigestsOnly ? new byte[pairs.Count * PairCodec.BlockCountBytes] : [];
        var digests = request.DigestsOnly ? new byte[pairs.Count * PairDescriptionDigest.Bytes] : [];
        var offset = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i];
            var slice = values.AsSpan(offset, pair.Blocks * 16);
            if (!store.Shares.Sealer.TryOpen(pair.Binding, OperationStore.MaskedValueEpoch, pair.StagedSealed, slice))
            {
                throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"A masked value of secret '{pair.Name}' is unreadable on this helper.");
            }
            offset += pair.Blocks * 16;
            if (request.DigestsOnly)
            {
                PairCodec.Write(pairKeys.AsSpan(i * PairCodec.PairBytes), pair.Key, pair.Version);
                PairCodec.WriteBlocks(pairBlocks, i, pair.Blocks);
                PairDescriptionDigest.Compute(pair.Key, pair.Version, pair.Blocks, pair.Threshold, pair.Owner, pair.Name, pair.Commitment,
                    digests.AsSpan(i * PairDescriptionDigest.Bytes, PairDescriptionDigest.Bytes));
                continue;
            }
            response.Pairs.Add(new RecoveredPair
            {
                Key = ByteString.CopyFrom(pair.Key), Version = pair.Version, Owner = pair.Owner, Name = pair.Name, Blocks = (uint)pair.Blocks,
                Commitment = ByteString.CopyFrom(pair.Commitment), Threshold = (uint)pair.Threshold, UpdatedUnixMs = pair.UpdatedUnixMs,
            });
        }
        response.Values = UnsafeByteOperations.UnsafeWrap(values);
        response.PairKeys = UnsafeByteOperations.UnsafeWrap(pairKeys);
        response.PairBlocks = UnsafeByteOperations.UnsafeWrap(pairBlocks);
        response.DescriptionDigests = UnsafeByteOperations.UnsafeWrap(digests);
        response.Last = pairs.Count == 0 || (await store.ReadMaskedAsync(pairs[^1].Seq, 1, record.Epoch, cancellationToken).ConfigureAwait(false)).Count == 0;
        response.NextCursor = pairs.Count == 0 ? request.Cursor : (ulong)pairs[^1].Seq;
        metrics.PeerBytesSent(response.CalculateSize());
        return response;
    }

    private static void RequireCaller(FleetIdentity? caller, ParticipantInfo meantFor, string what)
    {
        if (caller?.ToString() != meantFor.Identity)
        {
            throw new OperationRejectedException(OperationRejection.PermissionDenied,
                $"{what} is served only to {meantFor.Identity}, not to {caller?.ToString() ?? "a caller without an identity"}.");
        }
    }

    private OperationRecord Require(string operationId)
    {
        var record = Current;
        return record is not null && record.Id == operationId && !record.IsFinished
            ? record
            : throw new OperationRejectedException(OperationRejection.NotFound, $"This node has no open operation {operationId}.");
    }

    private void Finish(OperationRecord record)
    {
        Volatile.Write(ref _record, record);
        _dealer?.Dispose();
        _dealer = null;
        _summary = null;
        _missing = [];
    }

    private async Task StopWorkAsync()
    {
        if (_workStop is null)
        {
            return;
        }
        await _workStop.CancelAsync().ConfigureAwait(false);
        if (_work is not null)
        {
            await _work.ConfigureAwait(false);
        }
        _workStop.Dispose();
        _workStop = null;
        _work = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopWorkAsync().ConfigureAwait(false);
        _dealer?.Dispose();
        _lock.Dispose();
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Operation {OperationId} was in progress when the node stopped; it is marked failed")]
    private static partial void LogRestartedDuringOperation(ILogger logger, string operationId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Operation {OperationId} ({Kind}) began: epoch {Epoch} -> {TargetEpoch}, {Pairs} pairs in the snapshot ({Seconds:F2} s)")]
    private static partial void LogBegan(ILogger logger, string operationId, string kind, ulong epoch, ulong targetEpoch, long pairs, double seconds);

    [LoggerMessage(EventId = 308, Level = LogLevel.Information, Message = "Operation {OperationId} catches up: {Pairs} pairs stored during the resharing ({Seconds:F2} s)")]
    private static partial void LogCatchingUp(ILogger logger, string operationId, long pairs, double seconds);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Operation {OperationId} staged {Pairs} pairs in {Seconds:F2} s")]
    private static partial void LogStaged(ILogger logger, string operationId, long pairs, double seconds);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Operation {OperationId}: node x {DealerX} misbehaved: {Problem}")]
    private static partial void LogDealerMisbehaved(ILogger logger, string operationId, byte dealerX, string problem);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Operation {OperationId} failed here: {ErrorType}: {Error}")]
    private static partial void LogVerificationFailed(ILogger logger, string operationId, string errorType, string error);

    [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "Operation {OperationId} committed in {Seconds:F2} s ({Steps}); epoch is now {Epoch}")]
    private static partial void LogCommitted(ILogger logger, string operationId, ulong epoch, double seconds, string steps);

    [LoggerMessage(EventId = 307, Level = LogLevel.Warning, Message = "Operation {OperationId}: the checkpoint that wipes the old epoch from the files did not finish ({Problem}); it is retried in the background")]
    private static partial void LogErasurePending(ILogger logger, string operationId, string problem);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Operation {OperationId} aborted: {Reason}")]
    private static partial void LogAborted(ILogger logger, string operationId, string reason);
}
