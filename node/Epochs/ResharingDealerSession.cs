using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// This old-committee node's dealing in a resharing (docs/protocol.md, "Resharing"). For every
/// batch of the agreed snapshot, in order:
/// <list type="number">
/// <item>it deals ν, a random polynomial of degree below t, to the old committee (μ, the batch's
/// mask, is the sum of every dealer's ν) and serves each dealer its value (<see cref="DealMaskAsync"/>);</item>
/// <item>it fetches and checks every other dealer's ν at its own x, sums μ_i, and deals its shares
/// with polynomials of degree below t' (masked by μ_i) to the new committee;</item>
/// <item>it signs its digests to the new committee, fetches every other dealer's signed digests
/// (<see cref="DealerDigestsAsync"/>) and checks their signatures, derives the one challenge r they
/// all use, and publishes C = h + Σ r^(m+1)·g_m.</item>
/// </list>
/// Receivers then pull the batch with <see cref="DealAsync"/>. Batches are built when first asked
/// for and held, as in refresh, until every receiver asked for a later one (at most
/// <see cref="Window"/>); what other dealers fetch (ν values, digests) is small and kept until
/// the operation ends, so a dealer that falls behind still finds it. A batch depends only on
/// batches of its own number at other dealers, so dealers never wait on each other in a cycle.
/// </summary>
internal sealed class ResharingDealerSession : IDealingSession
{
    public const int Window = 4;
    private const int SnapshotPage = 2048;
    private readonly OperationRecord _operation;
    private readonly byte _dealerX;
    private readonly OperationStore _store;
    private readonly IPeerTransport _peers;
    private readonly IDealerTamper? _tamper;
    private readonly Action<Exception> _failed;
    private readonly FleetSigner _signer;
    private readonly FleetSignatureVerifier _verifier;
    private readonly byte[] _oldXs;
    private readonly byte[] _newXs;
    private readonly TaskCompletionSource _agreement = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly HeldBatches<ResharingDealerBatch> _window;
    private readonly Dictionary<ulong, ResharingDealerBatch> _all = [];
    private readonly MaskVerdicts _maskVerdicts;
    private readonly Queue<HeldPair> _held = new();
    private long _heldAfter;
    private bool _heldDone;
    private ulong _built;
    private bool _finished;

    public ResharingDealerSession(OperationRecord operation, byte dealerX, OperationStore store, IPeerTransport peers, TlsMaterial tls, IDealerTamper? tamper, Action<Exception> failed)
    {
        _signer = new FleetSigner(tls);
        _verifier = new FleetSignatureVerifier(tls, TimeProvider.System);
        _operation = operation;
        _dealerX = dealerX;
        _store = store;
        _peers = peers;
        _tamper = tamper;
        _failed = failed;
        _oldXs = [.. operation.Dealers.Select(d => d.X).Order()];
        _newXs = [.. operation.Receivers.Select(r => r.X).Order()];
        _maskVerdicts = new MaskVerdicts(_oldXs.Where(x => x != dealerX));
        _window = new HeldBatches<ResharingDealerBatch>(_newXs.Length, Window, b => b.EraseDealt());
    }

    public string OperationId => _operation.Id;

    /// <summary>What this dealer saw of every other dealer so far: its mask dealings, and whether its signed digests checked.</summary>
    public IReadOnlyList<DealerVerdict> MaskDealers => _maskVerdicts.Snapshot();

    /// <summary>A resharing needs every dealer to hold the whole agreed snapshot: it deals its shares, not just block counts.</summary>
    public void Agree(IReadOnlyList<SnapshotEntry> missing)
    {
        if (missing.Count > 0)
        {
            throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                $"This node lacks {missing.Count} pairs of the agreed snapshot; a resharing deals every share, so every dealer must hold every pair.");
        }
        _agreement.TrySetResult();
    }

    public async Task<DealResponse> DealAsync(byte receiverX, ulong batch, CancellationToken cancellationToken)
    {
        var receiverIndex = Array.IndexOf(_newXs, receiverX);
        if (receiverIndex < 0)
        {
            throw new OperationRejectedException(OperationRejection.InvalidArgument, $"x {receiverX} is not in the new committee of operation {_operation.Id}.");
        }
        // Both waits (for the window, then for every dealer's digests of the batch) end in
        // not_ready after WindowWait.Patience; asking again finds the same batch.
        if (await BatchAsync(batch, receiverX, cancellationToken).ConfigureAwait(false) is not { } built)
        {
            return WindowWait.NotReady(batch);
        }
        var publishing = built.Published();
        if (!await WindowWait.CompletedWithinAsync(publishing, WindowWait.Patience, cancellationToken).ConfigureAwait(false))
        {
            return WindowWait.NotReady(batch);
        }
        return (await publishing.ConfigureAwait(false))[receiverIndex];
    }

    /// <summary>This dealer's ν at dealer <paramref name="dealerX"/>'s x for one batch, with its public check data.</summary>
    public async Task<DealMaskResponse> DealMaskAsync(byte dealerX, ulong batch, CancellationToken cancellationToken)
    {
        var index = Array.IndexOf(_oldXs, dealerX);
        if (index < 0 || dealerX == _dealerX)
        {
            throw new OperationRejectedException(OperationRejection.InvalidArgument, $"x {dealerX} is not another dealer of operation {_operation.Id}.");
        }
        var built = await DealerBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        return built.Mask.ResponseFor(index);
    }

    /// <summary>This dealer's signed digests of one batch to every new-committee receiver, for dealer <paramref name="dealerX"/>.</summary>
    public async Task<DealerDigestsResponse> DealerDigestsAsync(byte dealerX, ulong batch, CancellationToken cancellationToken)
    {
        var built = await DealerBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        var row = await Await(built.Row!, cancellationToken).ConfigureAwait(false);
        return new DealerDigestsResponse { Row = _tamper?.DigestsForDealer(batch, dealerX, row, digests => Signed(batch, digests)) ?? row };
    }

    private DealerDigests Signed(ulong batch, IReadOnlyList<ReceiverDigest> digests) => SignedDigestRows.Sign(_signer, _operation, batch, _dealerX, digests);

    private static Task<T> Await<T>(Task<T> task, CancellationToken cancellationToken) => task.WaitAsync(cancellationToken);

    // Another dealer's fetch waits for the window without a deadline, so it always gets its batch.
    private async Task<ResharingDealerBatch> DealerBatchAsync(ulong index, CancellationToken cancellationToken) =>
        await BatchAsync(index, null, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Batch {index} of operation {_operation.Id} came back empty to a dealer's fetch, which waits for it.");

    // The batch, built now if it is the next one; receiverX counts a receiver's progress (null for a
    // dealer's fetch). A receiver's call that waited WindowWait.Patience for the window gets null
    // (not ready); another dealer's fetch waits on.
    private async Task<ResharingDealerBatch?> BatchAsync(ulong index, byte? receiverX, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task evicted;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_all.TryGetValue(index, out var known))
                {
                    if (receiverX is { } x)
                    {
                        if (!_window.Holds(index))
                        {
                            throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Batch {index} of operation {_operation.Id} is no longer held by dealer x {_dealerX}.");
                        }
                        _window.NoteRequest(x, index);
                    }
                    return known;
                }
                if (index > _built || (_finished && index >= _built))
                {
                    throw new OperationRejectedException(OperationRejection.InvalidArgument, $"Batch {index} of operation {_operation.Id} is not available from dealer x {_dealerX}; batches are pulled in order.");
                }
                if (!_window.Full)
                {
                    if (receiverX is { } x)
                    {
                        _window.NoteRequest(x, index);
                    }
                    return await BuildAsync(index, cancellationToken).ConfigureAwait(false);
                }
                evicted = _window.Evicted;
            }
            finally
            {
                _gate.Release();
            }
            if (!await WindowWait.CompletedWithinAsync(evicted, receiverX is null ? Timeout.InfiniteTimeSpan : WindowWait.Patience, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    // Step 1 under the gate (batches are cut in order); steps 2 and 3 run on, waiting for the other dealers.
    private async Task<ResharingDealerBatch> BuildAsync(ulong index, CancellationToken cancellationToken)
    {
        await _agreement.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Not the caller's token: a caller giving up half-way must not lose pairs already taken from the queue.
        var pairs = await NextPairsAsync(_stop.Token).ConfigureAwait(false);
        var last = _heldDone && _held.Count == 0;
        var batch = new ResharingDealerBatch(index, last, pairs, _operation, _oldXs, _dealerX);
        try
        {
            batch.OpenShares(_store, _operation.Epoch);
            _tamper?.ResharedShares(index, batch.Shares);
        }
        catch
        {
            batch.Erase();
            throw;
        }
        batch.Row = Observe(Task.Run(() => DealSharesAsync(batch, _stop.Token), CancellationToken.None));
        batch.StartPublishing(Observe(Task.Run(() => PublishAsync(batch, _stop.Token), CancellationToken.None)));
        _window.Add(index, batch);
        _all[index] = batch;
        _built = index + 1;
        _finished = last;
        return batch;
    }

    // A failure here fails this node's part of the operation (the participant reports it); receivers see the batch refused.
    private Task<T> Observe<T>(Task<T> task)
    {
        _ = task.ContinueWith(t => _failed(t.Exception!.GetBaseException()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task<List<HeldPair>> NextPairsAsync(CancellationToken cancellationToken)
    {
        var pairs = new List<HeldPair>();
        long blocks = 0;
        while (true)
        {
            if (_held.Count == 0 && !_heldDone)
            {
                var page = await _store.ReadHeldAsync(_heldAfter, SnapshotPage, _operation.Epoch, dense: !_operation.CatchUp, cancellationToken).ConfigureAwait(false);
                foreach (var pair in page)
                {
                    _held.Enqueue(pair);
                }
                _heldDone = page.Count < SnapshotPage;
                _heldAfter = page.Count > 0 ? page[^1].Seq : _heldAfter;
            }
            // Cut exactly as refresh cuts, so every dealer's batch k holds the same pairs.
            if (_held.Count == 0 || !BatchCutter.Fits(pairs.Count, blocks, _held.Peek().Blocks, _operation.BatchBlocks))
            {
                return pairs;
            }
            var next = _held.Dequeue();
            pairs.Add(next);
            blocks += next.Blocks;
        }
    }

    // Step 2: μ_i from every dealer's ν (each checked), then the dealing of this node's shares to the new committee.
    private async Task<DealerDigests> DealSharesAsync(ResharingDealerBatch batch, CancellationToken cancellationToken)
    {
        var mu = new byte[Gf128.BlockSize];
        try
        {
            batch.Mask.ValueAt(Array.IndexOf(_oldXs, _dealerX)).CopyTo(mu);
            var others = _operation.Dealers.Where(d => d.X != _dealerX).ToArray();
            var received = await Task.WhenAll(others.Select(d =>
                _peers.DealMaskAsync(d, new DealMaskRequest { OperationId = _operation.Id, Batch = batch.Index, ReceiverX = _dealerX }, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < others.Length; i++)
            {
                CheckMask(others[i].X, batch.Index, received[i]);
                Core.Sharing.Refresh.AddInto(mu, received[i].Value.Span);
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsMemory(received[i].Value.Memory).Span);
            }
            batch.Deal(_dealerX, mu, _operation.NewThreshold, _newXs, _tamper);
            return Signed(batch.Index, batch.Digests);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(mu);
        }
    }

    private void CheckMask(byte dealerX, ulong batch, DealMaskResponse dealing)
    {
        var problem = MaskProblem(dealing, batch, dealerX);
        _maskVerdicts.Record(dealerX, batch, dealing, problem);
        if (problem is not null)
        {
            throw new DealerMisbehavedException(dealerX, problem);
        }
    }

    private string? MaskProblem(DealMaskResponse dealing, ulong batch, byte dealerX)
    {
        if (dealing.Value.Length != Gf128.BlockSize || dealing.Mask.Length != Gf128.BlockSize || dealing.Combined.Length != _operation.Threshold * Gf128.BlockSize
            || dealing.Digests.Count != _oldXs.Length || dealing.Digests.Select(d => (byte)d.X).Where((x, i) => x != _oldXs[i]).Any())
        {
            return $"its mask dealing for batch {batch} has the wrong shape.";
        }
        var digests = dealing.Digests.Select(d => d.Digest.ToByteArray()).ToArray();
        if (!digests[Array.IndexOf(_oldXs, _dealerX)].AsSpan().SequenceEqual(BatchCheck.Digest(dealing.Value.Span, dealing.Mask.Span)))
        {
            return $"its mask dealing for batch {batch} publishes a digest for x {_dealerX} that does not match what it sent.";
        }
        var challenge = Resharing.Challenge(DealTranscript.MaskContext(_operation, dealerX, batch), [], digests);
        return Resharing.Verify(_operation.Threshold, _dealerX, 1, dealing.Value.Span, dealing.Mask.Span, challenge, dealing.Combined.Span)
            ? null
            : $"its mask dealing for batch {batch} failed the check: its values are not on one polynomial of degree below {_operation.Threshold}.";
    }

    // Step 3: every dealer's signed digests, the one challenge, and C. Another dealer's row is checked
    // here, where it arrives straight from its signer: a row passed on unchecked would get this
    // dealer named by receivers for a signature it did not make.
    private async Task<DealResponse[]> PublishAsync(ResharingDealerBatch batch, CancellationToken cancellationToken)
    {
        var own = await batch.Row!.ConfigureAwait(false);
        var rows = await Task.WhenAll(_operation.Dealers.Select(async d => d.X == _dealerX
            ? own
            : CheckRow(d, batch.Index, (await _peers.DealerDigestsAsync(d, new DealerDigestsRequest { OperationId = _operation.Id, Batch = batch.Index }, cancellationToken).ConfigureAwait(false)).Row))).ConfigureAwait(false);
        var ordered = rows.OrderBy(r => r.X).ToArray();
        var challenge = Resharing.Challenge(DealTranscript.ResharingContext(_operation, batch.Index), batch.IdsHash,
            [.. ordered.SelectMany(r => r.Digests.Select(d => d.Digest.ToByteArray()))]);
        return batch.Publish(challenge, ordered, _newXs, _tamper);
    }

    private DealerDigests CheckRow(ParticipantInfo dealer, ulong batch, DealerDigests? row)
    {
        var problem = !SignedDigestRows.HasShape(row, dealer.X, _newXs) ? $"its digests of batch {batch} have the wrong shape."
            : !SignedDigestRows.IsSignedBy(_verifier, _operation, batch, dealer, row!) ? $"its digests of batch {batch} do not carry its signature."
            : null;
        if (problem is not null)
        {
            _maskVerdicts.Blame(dealer.X, problem);
            throw new DealerMisbehavedException(dealer.X, problem);
        }
        return row!;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _window.Clear();
        foreach (var batch in _all.Values)
        {
            batch.Erase();
        }
        _all.Clear();
        _maskVerdicts.Dispose();
        _agreement.TrySetCanceled();
        _stop.Dispose();
        _gate.Dispose();
        _signer.Dispose();
        _verifier.Dispose();
    }
}
