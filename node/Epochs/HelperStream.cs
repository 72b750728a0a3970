using System.Threading.Channels;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>One recovery helper's masked values as the target pulls them, prefetched, walked pair by pair.</summary>
internal sealed class HelperStream : IAsyncDisposable
{
    private readonly ParticipantInfo _helper;
    private readonly string _operationId;
    private readonly IPeerTransport _peers;
    private readonly Channel<FetchRecoveredResponse> _ready = Channel.CreateBounded<FetchRecoveredResponse>(2);
    private readonly CancellationTokenSource _stop;
    private readonly Task _pump;
    private readonly byte[] _record = new byte[PairCodec.PairBytes];
    private FetchRecoveredResponse? _current;
    private int _index = -1;
    private int _valueOffset;

    public HelperStream(ParticipantInfo helper, string operationId, IPeerTransport peers, CancellationToken cancellationToken)
    {
        _helper = helper;
        _operationId = operationId;
        _peers = peers;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
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
            if (!await _ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await _pump.ConfigureAwait(false);
                throw new DealerMisbehavedException(X, "its masked values ended without a last batch.");
            }
            _current = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            ulong cursor = 0;
            while (true)
            {
                var response = await _peers.FetchRecoveredAsync(_helper, new FetchRecoveredRequest { OperationId = _operationId, Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                if (response.Values.Length != response.Pairs.Sum(p => (long)p.Blocks) * 16)
                {
                    throw new DealerMisbehavedException(X, "its masked values do not match the pairs it lists.");
                }
                await _ready.Writer.WriteAsync(response, cancellationToken).ConfigureAwait(false);
                if (response.Last)
                {
                    break;
                }
                cursor = response.NextCursor;
            }
            _ready.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _ready.Writer.TryComplete(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }
        _stop.Dispose();
    }
}
