using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// One dealer's batches as this receiver pulls them: prefetched, each checked on arrival against
/// this receiver's own cut of the agreed snapshot (the dealer's hash of the batch's pairs, its
/// last flag and its block count), then its shape, this receiver's digest and the batch check
/// against the Fiat–Shamir challenge, and folded into the dealer's transcript; then walked pair by
/// pair in step with the agreed snapshot.
/// </summary>
internal sealed class DealerStream : IAsyncDisposable
{
    private readonly ParticipantInfo _dealer;
    private readonly OperationRecord _operation;
    private readonly byte _receiverX;
    private readonly DealTranscript _transcript = new();
    private readonly PrefetchedBatches<CheckedBatch> _batches;
    private CheckedBatch? _current;
    private int _index = -1;
    private int _valueOffset;

    public DealerStream(ParticipantInfo dealer, OperationRecord operation, byte receiverX, IPeerTransport peers, BatchCuts cuts, CancellationToken cancellationToken)
    {
        _dealer = dealer;
        _operation = operation;
        _receiverX = receiverX;
        _batches = new PrefetchedBatches<CheckedBatch>(async (previous, ct) =>
        {
            var batch = previous is null ? 0 : previous.Response.Batch + 1;
            var cut = await cuts.GetAsync(batch, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The agreed snapshot has no batch {batch}.");
            var response = await peers.DealWhenReadyAsync(_dealer, new DealRequest { OperationId = _operation.Id, ReceiverX = _receiverX, Batch = batch }, ct).ConfigureAwait(false);
            Check(response, batch, cut);
            Batches = batch + 1;
            return (new CheckedBatch(response, cut), cut.Last);
        }, cancellationToken);
    }

    public byte X => _dealer.X;

    public bool Exhausted { get; private set; }

    public ulong Batches { get; private set; }

    /// <summary>The sub-shares of the current pair, which has <paramref name="blocks"/> blocks.</summary>
    public ReadOnlySpan<byte> Values(int blocks) => _current!.Response.Values.Span.Slice(_valueOffset, blocks * 16);

    /// <summary>Moves past the current pair (<paramref name="blocks"/> blocks; 0 before the first), pulling the next batch when this one is used up.</summary>
    public async ValueTask AdvanceAsync(int blocks, CancellationToken cancellationToken)
    {
        if (_current is not null && _index >= 0)
        {
            _valueOffset += blocks * 16;
        }
        _index++;
        while (_current is null || _index >= _current.Cut.Pairs)
        {
            if (_current is not null)
            {
                if (_valueOffset != _current.Response.Values.Length)
                {
                    throw new InvalidOperationException($"The walk of the agreed snapshot and its cut disagree on batch {_current.Response.Batch}.");
                }
                SubShareBuffers.Erase(_current.Response);
                if (_current.Cut.Last)
                {
                    Exhausted = true;
                    return;
                }
            }
            _current = await _batches.NextAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new DealerMisbehavedException(X, "its batches ended without a last batch.");
            _index = 0;
            _valueOffset = 0;
        }
    }

    public byte[] FinishTranscript() => _transcript.Finish();

    private void Check(DealResponse response, ulong batch, BatchCut cut)
    {
        if (response.Batch != batch)
        {
            throw new DealerMisbehavedException(X, $"batch {batch} is malformed.");
        }
        if (!response.IdsHash.Span.SequenceEqual(cut.IdsHash) || response.Last != cut.Last)
        {
            throw new DealerMisbehavedException(X, $"batch {batch} deals other pairs than the agreed snapshot (a pair left out or added, or the batches cut otherwise).");
        }
        var receivers = _operation.Receivers.Select(r => r.X).Order().ToArray();
        if (response.Values.Length != cut.Blocks * 16 || response.Mask.Length != 16 || response.Combined.Length != (_operation.Threshold - 1) * 16
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
        var challenge = BatchCheck.Challenge(DealTranscript.ChallengeContext(_operation, X, batch), cut.IdsHash, digests);
        if (!BatchCheck.Verify(_operation.Threshold, _receiverX, _operation.ZeroAt, response.Values.Span, response.Mask.Span, challenge, response.Combined.Span))
        {
            throw new DealerMisbehavedException(X, $"batch {batch} failed the batch check: its sub-shares are inconsistent.");
        }
        _transcript.Append(response, cut.IdsHash);
    }

    public async ValueTask DisposeAsync()
    {
        await _batches.DisposeAsync().ConfigureAwait(false);
        _transcript.Dispose();
    }

    private sealed record CheckedBatch(DealResponse Response, BatchCut Cut);
}
