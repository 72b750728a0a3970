using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// This node's dealing for one operation. Batches are built in snapshot order when first asked
/// for, with fresh randomness, and kept until every receiver has asked for a later one (so a
/// receiver retrying after a dropped response gets the very same batch). A receiver racing
/// ahead waits while <see cref="Window"/> batches are held: memory stays flat however many
/// secrets the node holds.
/// </summary>
internal sealed class DealerSession(OperationRecord operation, byte dealerX, OperationStore store, DealerFaults faults) : IDisposable
{
    public const int Window = 4;
    private readonly byte[] _receiverXs = [.. operation.Receivers.Select(r => r.X).Order()];
    private readonly Dictionary<ulong, BuiltBatch> _batches = [];
    private readonly Dictionary<byte, ulong> _requested = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TaskCompletionSource _evicted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _built;
    private long _nextSeq;
    private bool _finished;

    public string OperationId => operation.Id;

    public async Task<DealResponse> DealAsync(byte receiverX, ulong batch, CancellationToken cancellationToken)
    {
        var receiverIndex = Array.IndexOf(_receiverXs, receiverX);
        if (receiverIndex < 0)
        {
            throw new OperationRejectedException(OperationRejection.InvalidArgument, $"x {receiverX} is not a receiver of operation {operation.Id}.");
        }
        while (true)
        {
            Task evicted;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // A request is checked before it counts as progress: a bogus batch number must
                // not make the dealer drop batches that receivers still need.
                var cached = _batches.GetValueOrDefault(batch);
                if (cached is null && (batch < _built || (_finished && batch >= _built)))
                {
                    throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Batch {batch} of operation {operation.Id} is not available from dealer x {dealerX}.");
                }
                if (cached is null && batch > _built)
                {
                    throw new OperationRejectedException(OperationRejection.InvalidArgument, $"Batch {batch} was asked for before batch {_built}; receivers pull in order.");
                }
                NoteRequest(receiverX, batch);
                if (cached is not null)
                {
                    return cached.ResponseFor(receiverIndex);
                }
                if (_batches.Count < Window)
                {
                    var built = await BuildAsync(batch, cancellationToken).ConfigureAwait(false);
                    return built.ResponseFor(receiverIndex);
                }
                evicted = _evicted.Task;
            }
            finally
            {
                _gate.Release();
            }
            await evicted.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void NoteRequest(byte receiverX, ulong batch)
    {
        if (!_requested.TryGetValue(receiverX, out var previous) || batch > previous)
        {
            _requested[receiverX] = batch;
        }
        if (_requested.Count < _receiverXs.Length)
        {
            return;
        }
        var slowest = _requested.Values.Min();
        var dropped = false;
        foreach (var old in _batches.Keys.Where(k => k < slowest).ToArray())
        {
            _batches.Remove(old);
            dropped = true;
        }
        if (dropped)
        {
            var signal = _evicted;
            _evicted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal.TrySetResult();
        }
    }

    private async Task<BuiltBatch> BuildAsync(ulong batch, CancellationToken cancellationToken)
    {
        var pairs = await store.ReadSnapshotAsync(_nextSeq, operation.BatchBlocks, cancellationToken).ConfigureAwait(false);
        var pairKeys = new byte[pairs.Count * PairCodec.PairBytes];
        var pairBlocks = new byte[pairs.Count * PairCodec.BlockCountBytes];
        var blocks = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            PairCodec.Write(pairKeys.AsSpan(i * PairCodec.PairBytes), pairs[i].Key, pairs[i].Version);
            PairCodec.WriteBlocks(pairBlocks, i, pairs[i].Blocks);
            blocks += pairs[i].Blocks;
        }
        if (pairs.Count > 0)
        {
            _nextSeq = pairs[^1].Seq;
        }
        var last = pairs.Count == 0 || (await store.ReadSnapshotAsync(_nextSeq, 1, cancellationToken).ConfigureAwait(false)).Count == 0;

        using var dealt = DealtBatch.Deal(operation.Threshold, _receiverXs, operation.ZeroAt, blocks);
        var values = new byte[_receiverXs.Length][];
        var masks = new byte[_receiverXs.Length][];
        var digests = new byte[_receiverXs.Length][];
        for (var j = 0; j < _receiverXs.Length; j++)
        {
            values[j] = dealt.ValuesFor(j).ToArray();
            masks[j] = dealt.MaskFor(j).ToArray();
            if (faults.CheatInBatch(batch, _receiverXs[j], dealerX) && values[j].Length > 0)
            {
                values[j][0] ^= 0x01;
            }
            digests[j] = BatchCheck.Digest(values[j], masks[j]);
        }
        var idsHash = DealTranscript.IdsHash(pairKeys, pairBlocks);
        var challenge = BatchCheck.Challenge(DealTranscript.ChallengeContext(operation, dealerX, batch), idsHash, digests);
        var combined = dealt.CombinedCoefficients(challenge);

        var built = new BuiltBatch(batch, last, pairKeys, pairBlocks, values, masks, combined,
            [.. _receiverXs.Select((x, j) => new ReceiverDigest { X = x, Digest = DealTranscript.Wrap(digests[j]) })]);
        _batches[batch] = built;
        _built = batch + 1;
        _finished = last;
        return built;
    }

    public void Dispose()
    {
        _batches.Clear();
        _gate.Dispose();
    }

    private sealed record BuiltBatch(ulong Index, bool Last, byte[] PairKeys, byte[] PairBlocks, byte[][] Values, byte[][] Masks, byte[] Combined, ReceiverDigest[] Digests)
    {
        public DealResponse ResponseFor(int receiverIndex)
        {
            var response = new DealResponse
            {
                Batch = Index,
                Last = Last,
                PairKeys = DealTranscript.Wrap(PairKeys),
                PairBlocks = DealTranscript.Wrap(PairBlocks),
                Values = DealTranscript.Wrap(Values[receiverIndex]),
                Mask = DealTranscript.Wrap(Masks[receiverIndex]),
                Combined = DealTranscript.Wrap(Combined),
            };
            response.Digests.Add(Digests);
            return response;
        }
    }
}
