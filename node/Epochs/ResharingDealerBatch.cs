using System.Security.Cryptography;
using Google.Protobuf;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// One batch at this dealer: its pairs and shares, its ν dealing, then its resharing dealing and what receivers get.
/// Once every receiver is past it, only what other dealers may still fetch stays (ν values, digests): at a million
/// pairs, keeping the rest until the operation ended held over a gigabyte per dealer.
/// </summary>
internal sealed class ResharingDealerBatch
{
    private List<HeldPair> _pairs;
    private readonly OperationRecord _operation;
    private readonly byte[] _oldXs;
    private readonly byte _dealerX;
    private ResharingDealing? _dealing;
    private byte[][] _values = [];
    private byte[][] _masks = [];
    private Task<DealResponse[]>? _published;

    public ResharingDealerBatch(ulong index, bool last, List<HeldPair> pairs, OperationRecord operation, byte[] oldXs, byte dealerX)
    {
        Index = index;
        Last = last;
        _pairs = pairs;
        _operation = operation;
        _oldXs = oldXs;
        _dealerX = dealerX;
        (PairKeys, PairBlocks) = SnapshotEntry.Encode([.. pairs.Select(p => new SnapshotEntry(p.Key, p.Version, p.Blocks))]);
        IdsHash = DealTranscript.IdsHash(PairKeys, PairBlocks);
        PairsDigest = DealTranscript.PairsDigest(pairs, p => (p.Owner, p.Name, p.Commitment));
        Shares = new byte[pairs.Sum(p => p.Blocks) * Gf128.BlockSize];
        Mask = MaskDealing.Deal(operation, dealerX, oldXs, index);
    }

    public ulong Index { get; }

    public bool Last { get; }

    public byte[] PairKeys { get; private set; }

    public byte[] PairBlocks { get; private set; }

    public byte[] IdsHash { get; }

    public byte[] PairsDigest { get; }

    public byte[] Shares { get; private set; }

    public MaskDealing Mask { get; }

    public ReceiverDigest[] Digests { get; private set; } = [];

    public Task<DealerDigests>? Row { get; set; }

    public void StartPublishing(Task<DealResponse[]> publishing) => _published = publishing;

    /// <summary>What receivers get, until every receiver is past this batch.</summary>
    public Task<DealResponse[]> Published() => _published ?? throw new OperationRejectedException(OperationRejection.FailedPrecondition,
        $"Batch {Index} of operation {_operation.Id} is no longer held by dealer x {_dealerX}.");

    public void OpenShares(OperationStore store, ulong epoch)
    {
        var offset = 0;
        foreach (var pair in _pairs)
        {
            var slice = Shares.AsSpan(offset, pair.Blocks * Gf128.BlockSize);
            if (pair.Sealed is null || !store.Shares.Sealer.TryOpen(pair.Binding, epoch, pair.Sealed, slice))
            {
                throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                    $"This dealer cannot read its share of a pair in its snapshot (secret '{pair.Name}'); rebuild this node's shares with a recovery, then reshare.");
            }
            offset += slice.Length;
        }
    }

    public void Deal(byte dealerX, ReadOnlySpan<byte> mu, int newThreshold, byte[] newXs, IDealerTamper? tamper)
    {
        _dealing = ResharingDealing.Deal(dealerX, Shares, mu, newThreshold, newXs);
        CryptographicOperations.ZeroMemory(Shares);
        _values = new byte[newXs.Length][];
        _masks = new byte[newXs.Length][];
        Digests = new ReceiverDigest[newXs.Length];
        for (var j = 0; j < newXs.Length; j++)
        {
            _values[j] = _dealing.ValuesFor(j).ToArray();
            _masks[j] = _dealing.MaskFor(j).ToArray();
            tamper?.SubShares(Index, newXs[j], _values[j]);
            Digests[j] = new ReceiverDigest { X = newXs[j], Digest = DealTranscript.Wrap(BatchCheck.Digest(_values[j], _masks[j])) };
        }
    }

    public DealResponse[] Publish(Gf128 challenge, DealerDigests[] rows, byte[] newXs, IDealerTamper? tamper)
    {
        var combined = _dealing!.CombinedCoefficients(challenge);
        _dealing.Dispose();
        _dealing = null;
        // Only receivers outside the old committee lack the rows, and one dealer's copy is enough:
        // every dealer's digest must match it.
        var describes = _dealerX == _oldXs[0];
        var pairs = !describes ? [] : _pairs.Select(p => new RecoveredPair
        {
            Key = ByteString.CopyFrom(p.Key), Version = p.Version, Owner = p.Owner, Name = p.Name, Blocks = (uint)p.Blocks,
            Commitment = ByteString.CopyFrom(p.Commitment), Threshold = (uint)_operation.NewThreshold, UpdatedUnixMs = p.UpdatedUnixMs,
        }).ToArray();
        tamper?.DescribedPairs(Index, pairs);
        return [.. newXs.Select((x, j) =>
        {
            var response = new DealResponse
            {
                Batch = Index,
                Last = Last,
                PairKeys = DealTranscript.Wrap(PairKeys),
                PairBlocks = DealTranscript.Wrap(PairBlocks),
                Values = DealTranscript.Wrap(_values[j]),
                Mask = DealTranscript.Wrap(_masks[j]),
                Combined = DealTranscript.Wrap(combined),
                Rows = { rows },
                Pairs = { _oldXs.Contains(x) ? [] : pairs },
                PairsDigest = DealTranscript.Wrap(PairsDigest),
            };
            return tamper?.PublishedToReceiver(Index, x, response) ?? response;
        })];
    }

    /// <summary>Zeroes the shares and everything dealt from them once no receiver can ask again, and lets go of them.</summary>
    public void EraseDealt()
    {
        CryptographicOperations.ZeroMemory(Shares);
        foreach (var value in _values.Concat(_masks))
        {
            CryptographicOperations.ZeroMemory(value);
        }
        _dealing?.Dispose();
        _dealing = null;
        _published = null;
        _pairs = [];
        Shares = [];
        _values = [];
        _masks = [];
        PairKeys = [];
        PairBlocks = [];
    }

    /// <summary>Also zeroes the ν values other dealers fetch (kept until the operation ends, for a dealer that falls behind).</summary>
    public void Erase()
    {
        EraseDealt();
        Mask.Erase();
    }
}
