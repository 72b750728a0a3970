using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// One recovery helper's masked values as the target pulls them, prefetched, walked pair by pair.
/// A describing helper sends what each pair is; the others (asked for digests only) send
/// each pair's key, version, blocks and description digest, which the target compares with the
/// describer's (a helper may send descriptions anyway: its digests are then computed here).
/// </summary>
internal sealed class HelperStream : IAsyncDisposable
{
    private readonly ParticipantInfo _helper;
    private readonly PrefetchedBatches<FetchRecoveredResponse> _batches;
    private readonly byte[] _record = new byte[PairCodec.PairBytes];
    private FetchRecoveredResponse? _current;
    private int _index = -1;
    private int _valueOffset;

    public HelperStream(ParticipantInfo helper, string operationId, bool digestsOnly, IPeerTransport peers, CancellationToken cancellationToken)
    {
        _helper = helper;
        _batches = new PrefetchedBatches<FetchRecoveredResponse>(async (previous, ct) =>
        {
            var request = new FetchRecoveredRequest { OperationId = operationId, Cursor = previous?.NextCursor ?? 0, DigestsOnly = digestsOnly };
            var response = await peers.FetchRecoveredAsync(_helper, request, ct).ConfigureAwait(false);
            Check(response);
            return (response, response.Last);
        }, cancellationToken);
    }

    public byte X => _helper.X;

    public bool Exhausted { get; private set; }

    /// <summary>What the current pair is, when this helper described it.</summary>
    public RecoveredPair? Described => Describes(_current!) ? _current!.Pairs[_index] : null;

    public ReadOnlySpan<byte> CurrentRecord => _record;

    public int CurrentBlocks { get; private set; }

    public ReadOnlyMemory<byte> CurrentValues => _current!.Values.Memory.Slice(_valueOffset, CurrentBlocks * 16);

    /// <summary>The digest of what this helper says the current pair is.</summary>
    public void CurrentDigest(Span<byte> digest)
    {
        if (Described is { } pair)
        {
            PairDescriptionDigest.Compute(pair, digest);
        }
        else
        {
            _current!.DescriptionDigests.Span.Slice(_index * PairDescriptionDigest.Bytes, PairDescriptionDigest.Bytes).CopyTo(digest);
        }
    }

    public async ValueTask AdvanceAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && _index >= 0)
        {
            _valueOffset += CurrentBlocks * 16;
        }
        _index++;
        while (_current is null || _index >= PairCount(_current))
        {
            if (_current is { Last: true })
            {
                Exhausted = true;
                return;
            }
            _current = await _batches.NextAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new DealerMisbehavedException(X, "its masked values ended without a last batch.");
            _index = 0;
            _valueOffset = 0;
        }
        if (Described is { } pair)
        {
            PairCodec.Write(_record, pair.Key.Span, pair.Version);
            CurrentBlocks = (int)pair.Blocks;
        }
        else
        {
            _current.PairKeys.Span.Slice(_index * PairCodec.PairBytes, PairCodec.PairBytes).CopyTo(_record);
            CurrentBlocks = PairCodec.Blocks(_current.PairBlocks.Span, _index);
        }
    }

    private static bool Describes(FetchRecoveredResponse response) => response.PairKeys.IsEmpty;

    private static int PairCount(FetchRecoveredResponse response) => Describes(response) ? response.Pairs.Count : response.PairKeys.Length / PairCodec.PairBytes;

    private void Check(FetchRecoveredResponse response)
    {
        long blocks;
        if (Describes(response))
        {
            if (response.Pairs.Any(p => p.Key.Length != PairCodec.KeyBytes || p.Blocks == 0 || p.Blocks > int.MaxValue / 16))
            {
                throw new DealerMisbehavedException(X, "it sent a malformed recovered pair.");
            }
            blocks = response.Pairs.Sum(p => (long)p.Blocks);
        }
        else
        {
            var count = response.PairKeys.Length / PairCodec.PairBytes;
            if (response.Pairs.Count != 0 || response.PairKeys.Length % PairCodec.PairBytes != 0 || response.PairBlocks.Length != count * PairCodec.BlockCountBytes
                || response.DescriptionDigests.Length != count * PairDescriptionDigest.Bytes
                || Enumerable.Range(0, count).Any(i => PairCodec.Blocks(response.PairBlocks.Span, i) is <= 0 or > int.MaxValue / 16))
            {
                throw new DealerMisbehavedException(X, "it sent a malformed recovered pair.");
            }
            blocks = Enumerable.Range(0, count).Sum(i => (long)PairCodec.Blocks(response.PairBlocks.Span, i));
        }
        if (response.Values.Length != blocks * 16)
        {
            throw new DealerMisbehavedException(X, "its masked values do not match the pairs it lists.");
        }
    }

    public ValueTask DisposeAsync() => _batches.DisposeAsync();
}
