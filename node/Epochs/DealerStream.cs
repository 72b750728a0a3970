using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// One dealer's batches as this receiver pulls them: prefetched, each checked on arrival
/// (shape, this receiver's digest, the batch check against the Fiat–Shamir challenge, strictly
/// increasing pairs) and folded into the dealer's transcript; then walked pair by pair.
/// </summary>
internal sealed class DealerStream : IAsyncDisposable
{
    private readonly ParticipantInfo _dealer;
    private readonly OperationRecord _operation;
    private readonly byte _receiverX;
    private readonly DealTranscript _transcript = new();
    private readonly PrefetchedBatches<DealResponse> _batches;
    private readonly byte[] _lastPair = new byte[PairCodec.PairBytes];
    private DealResponse? _current;
    private int _index = -1;
    private int _valueOffset;
    private int _blocks;
    private int _lastBlocks;
    private bool _anyPair;

    public DealerStream(ParticipantInfo dealer, OperationRecord operation, byte receiverX, IPeerTransport peers, CancellationToken cancellationToken)
    {
        _dealer = dealer;
        _operation = operation;
        _receiverX = receiverX;
        _batches = new PrefetchedBatches<DealResponse>(async (previous, ct) =>
        {
            var batch = previous is null ? 0 : previous.Batch + 1;
            var response = await peers.DealWhenReadyAsync(_dealer, new DealRequest { OperationId = _operation.Id, ReceiverX = _receiverX, Batch = batch }, ct).ConfigureAwait(false);
            Check(response, batch);
            Batches = batch + 1;
            return (response, response.Last);
        }, cancellationToken);
    }

    public byte X => _dealer.X;

    public bool Exhausted { get; private set; }

    public ulong Batches { get; private set; }

    public ReadOnlySpan<byte> CurrentPair => _current!.PairKeys.Span.Slice(_index * PairCodec.PairBytes, PairCodec.PairBytes);

    public int CurrentBlocks => _blocks;

    public ReadOnlySpan<byte> CurrentValues => _current!.Values.Span.Slice(_valueOffset, _blocks * 16);

    /// <summary>Moves to the next pair, pulling the next batch when this one is used up.</summary>
    public async ValueTask AdvanceAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && _index >= 0)
        {
            _valueOffset += _blocks * 16;
        }
        _index++;
        while (_current is null || _index >= _current.PairBlocks.Length / PairCodec.BlockCountBytes)
        {
            if (_current is { Last: true })
            {
                Exhausted = true;
                SubShareBuffers.Erase(_current);
                return;
            }
            if (_current is not null)
            {
                SubShareBuffers.Erase(_current);
            }
            _current = await _batches.NextAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new DealerMisbehavedException(X, "its batches ended without a last batch.");
            _index = 0;
            _valueOffset = 0;
        }
        _blocks = PairCodec.Blocks(_current.PairBlocks.Span, _index);
    }

    public byte[] FinishTranscript() => _transcript.Finish();

    private void Check(DealResponse response, ulong batch)
    {
        var pairCount = response.PairKeys.Length / PairCodec.PairBytes;
        if (response.Batch != batch || response.PairKeys.Length % PairCodec.PairBytes != 0 || response.PairBlocks.Length != pairCount * PairCodec.BlockCountBytes)
        {
            throw new DealerMisbehavedException(X, $"batch {batch} is malformed.");
        }
        long blocks = 0;
        for (var i = 0; i < pairCount; i++)
        {
            var pair = response.PairKeys.Span.Slice(i * PairCodec.PairBytes, PairCodec.PairBytes);
            var pairBlocks = PairCodec.Blocks(response.PairBlocks.Span, i);
            if (pairBlocks <= 0)
            {
                throw new DealerMisbehavedException(X, $"batch {batch} gives a pair {pairBlocks} blocks.");
            }
            if (_anyPair && PairCodec.Compare(pair, pairBlocks, _lastPair, _lastBlocks) <= 0)
            {
                throw new DealerMisbehavedException(X, $"batch {batch} lists pairs out of order.");
            }
            pair.CopyTo(_lastPair);
            _lastBlocks = pairBlocks;
            _anyPair = true;
            blocks += pairBlocks;
        }
        var receivers = _operation.Receivers.Select(r => r.X).Order().ToArray();
        if (response.Values.Length != blocks * 16 || response.Mask.Length != 16 || response.Combined.Length != (_operation.Threshold - 1) * 16
            || response.Digests.Count != receivers.Length || response.Digests.Select(d => (byte)d.X).Where((x, i) => x != receivers[i]).Any())
        {
            throw new DealerMisbehavedException(X, $"batch {batch} has the wrong shape.");
        }
        var digests = response.Digests.Select(d => d.Digest.ToByteArray()).ToArray();
        var own = Array.IndexOf(receivers, _receiverX);
        if (!digests[own].AsSpan().SequenceEqual(BatchCheck.Digest(response.Values.Span, response.Mask.Span)))
        {
            throw new DealerMisbehavedException(X, $"batch {batch} publishes a digest for x {_receiverX} that does not match what it sent.");
        }
        var idsHash = DealTranscript.IdsHash(response.PairKeys.Span, response.PairBlocks.Span);
        var challenge = BatchCheck.Challenge(DealTranscript.ChallengeContext(_operation, X, batch), idsHash, digests);
        if (!BatchCheck.Verify(_operation.Threshold, _receiverX, _operation.ZeroAt, response.Values.Span, response.Mask.Span, challenge, response.Combined.Span))
        {
            throw new DealerMisbehavedException(X, $"batch {batch} failed the batch check: its sub-shares are inconsistent.");
        }
        _transcript.Append(response, idsHash);
    }

    public async ValueTask DisposeAsync()
    {
        await _batches.DisposeAsync().ConfigureAwait(false);
        _transcript.Dispose();
    }
}
