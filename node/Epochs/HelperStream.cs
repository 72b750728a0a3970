using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>One recovery helper's masked values as the target pulls them, prefetched, walked pair by pair.</summary>
internal sealed class HelperStream : IAsyncDisposable
{
    private readonly ParticipantInfo _helper;
    private readonly PrefetchedBatches<FetchRecoveredResponse> _batches;
    private readonly byte[] _record = new byte[PairCodec.PairBytes];
    private FetchRecoveredResponse? _current;
    private int _index = -1;
    private int _valueOffset;

    public HelperStream(ParticipantInfo helper, string operationId, IPeerTransport peers, CancellationToken cancellationToken)
    {
        _helper = helper;
        _batches = new PrefetchedBatches<FetchRecoveredResponse>(async (previous, ct) =>
        {
            var request = new FetchRecoveredRequest { OperationId = operationId, Cursor = previous?.NextCursor ?? 0 };
            var response = await peers.FetchRecoveredAsync(_helper, request, ct).ConfigureAwait(false);
            if (response.Values.Length != response.Pairs.Sum(p => (long)p.Blocks) * 16)
            {
                throw new DealerMisbehavedException(X, "its masked values do not match the pairs it lists.");
            }
            return (response, response.Last);
        }, cancellationToken);
    }

    public byte X => _helper.X;

    public bool Exhausted { get; private set; }

    public RecoveredPair Current => _current!.Pairs[_index];

    public ReadOnlySpan<byte> CurrentRecord => _record;

    public ReadOnlyMemory<byte> CurrentValues => _current!.Values.Memory.Slice(_valueOffset, (int)Current.Blocks * 16);

    public async ValueTask AdvanceAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && _index >= 0)
        {
            _valueOffset += (int)Current.Blocks * 16;
        }
        _index++;
        while (_current is null || _index >= _current.Pairs.Count)
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
        var pair = Current;
        if (pair.Key.Length != 16 || pair.Blocks == 0)
        {
            throw new DealerMisbehavedException(X, "it sent a malformed recovered pair.");
        }
        PairCodec.Write(_record, pair.Key.Span, pair.Version);
    }

    public ValueTask DisposeAsync() => _batches.DisposeAsync();
}
