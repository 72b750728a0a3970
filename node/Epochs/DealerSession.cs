using SecretFleet.Core.Epochs;
using System.Security.Cryptography;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// This node's dealing for one operation: every entry of the agreed snapshot, in order, whether
/// this node holds the pair or not (its own snapshot plus what the coordinator says it lacks;
/// dealing needs no share), cut into batches by <see cref="BatchCutter"/>. A batch names its pairs
/// only by their hash: receivers cut the agreed snapshot alike. Batches are built when first asked for, with fresh randomness, and
/// kept until every receiver has asked for a later one (so a receiver retrying after a dropped
/// response gets the very same batch). A receiver racing ahead waits while <see cref="Window"/>
/// batches are held: memory stays flat however many secrets the node holds. No batch is built
/// before Verify brought the agreement. A wait for the window longer than
/// <paramref name="windowPatience"/> (<see cref="WindowWait.Patience"/>) answers not_ready.
/// </summary>
internal sealed class DealerSession(OperationRecord operation, byte dealerX, OperationStore store, IDealerTamper? tamper, TimeSpan? windowPatience = null) : IDealingSession
{
    public const int Window = 4;
    private readonly TaskCompletionSource<IReadOnlyList<SnapshotEntry>> _agreement = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BatchCutter? _cutter;
    private readonly byte[] _receiverXs = [.. operation.Receivers.Select(r => r.X).Order()];
    private readonly HeldBatches<BuiltBatch> _batches = new(operation.Receivers.Count, Window, b => b.Erase());
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ulong _built;
    private bool _finished;

    public string OperationId => operation.Id;

    /// <summary>The pairs of the agreed snapshot this node does not hold (from Verify); dealing starts once they are known.</summary>
    public void Agree(IReadOnlyList<SnapshotEntry> missing) => _agreement.TrySetResult(missing);

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
                var cached = _batches.Get(batch);
                if (cached is null && (batch < _built || (_finished && batch >= _built)))
                {
                    throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Batch {batch} of operation {operation.Id} is not available from dealer x {dealerX}.");
                }
                if (cached is null && batch > _built)
                {
                    throw new OperationRejectedException(OperationRejection.InvalidArgument, $"Batch {batch} was asked for before batch {_built}; receivers pull in order.");
                }
                _batches.NoteRequest(receiverX, batch);
                if (cached is not null)
                {
                    return cached.ResponseFor(receiverIndex);
                }
                if (!_batches.Full)
                {
                    var built = await BuildAsync(batch, cancellationToken).ConfigureAwait(false);
                    return built.ResponseFor(receiverIndex);
                }
                evicted = _batches.Evicted;
            }
            finally
            {
                _gate.Release();
            }
            if (!await WindowWait.CompletedWithinAsync(evicted, windowPatience ?? WindowWait.Patience, cancellationToken).ConfigureAwait(false))
            {
                return WindowWait.NotReady(batch);
            }
        }
    }

    private async Task<BuiltBatch> BuildAsync(ulong batch, CancellationToken cancellationToken)
    {
        _cutter ??= new BatchCutter(store, await _agreement.Task.WaitAsync(cancellationToken).ConfigureAwait(false), operation.BatchBlocks);
        var (entries, last) = await _cutter.NextAsync(cancellationToken).ConfigureAwait(false);
        var dealtEntries = tamper?.Entries(batch, entries) ?? entries;
        var (pairKeys, pairBlocks) = SnapshotEntry.Encode(dealtEntries);
        var blocks = dealtEntries.Sum(e => e.Blocks);

        using var dealt = DealtBatch.Deal(operation.Threshold, _receiverXs, operation.ZeroAt, blocks);
        var values = new byte[_receiverXs.Length][];
        var masks = new byte[_receiverXs.Length][];
        var digests = new byte[_receiverXs.Length][];
        for (var j = 0; j < _receiverXs.Length; j++)
        {
            values[j] = dealt.ValuesFor(j).ToArray();
            masks[j] = dealt.MaskFor(j).ToArray();
            tamper?.SubShares(batch, _receiverXs[j], values[j]);
            digests[j] = BatchCheck.Digest(values[j], masks[j]);
        }
        var idsHash = DealTranscript.IdsHash(pairKeys, pairBlocks);
        var context = DealTranscript.ChallengeContext(operation, dealerX, batch);
        var published = Published(digests, dealt.CombinedCoefficients(BatchCheck.Challenge(context, idsHash, digests)));
        // An honest dealer publishes the same digests and combined polynomial to every receiver;
        // a test build may show one receiver another story (a Q to match), which only the
        // coordinator's transcript comparison can catch.
        var perReceiver = _receiverXs.Select(x => tamper?.PublishedDigests(batch, x, digests) is { } shown && !ReferenceEquals(shown, digests)
            ? Published(shown, dealt.CombinedCoefficients(BatchCheck.Challenge(context, idsHash, shown)))
            : published).ToArray();

        var built = new BuiltBatch(batch, last, idsHash, values, masks, perReceiver);
        _batches.Add(batch, built);
        _built = batch + 1;
        _finished = last;
        return built;
    }

    public void Dispose()
    {
        _batches.Clear();
        _agreement.TrySetCanceled();
        _gate.Dispose();
    }

    private (byte[] Combined, ReceiverDigest[] Digests) Published(byte[][] digests, byte[] combined) =>
        (combined, [.. _receiverXs.Select((x, j) => new ReceiverDigest { X = x, Digest = DealTranscript.Wrap(digests[j]) })]);

    private sealed record BuiltBatch(ulong Index, bool Last, byte[] IdsHash, byte[][] Values, byte[][] Masks, (byte[] Combined, ReceiverDigest[] Digests)[] Published)
    {
        /// <summary>Zeroes the sub-shares once no receiver can ask for them again.</summary>
        public void Erase()
        {
            foreach (var value in Values)
            {
                CryptographicOperations.ZeroMemory(value);
            }
            foreach (var mask in Masks)
            {
                CryptographicOperations.ZeroMemory(mask);
            }
        }

        public DealResponse ResponseFor(int receiverIndex)
        {
            var response = new DealResponse
            {
                Batch = Index,
                Last = Last,
                IdsHash = DealTranscript.Wrap(IdsHash),
                Values = DealTranscript.Wrap(Values[receiverIndex]),
                Mask = DealTranscript.Wrap(Masks[receiverIndex]),
                Combined = DealTranscript.Wrap(Published[receiverIndex].Combined),
            };
            response.Digests.Add(Published[receiverIndex].Digests);
            return response;
        }
    }
}
