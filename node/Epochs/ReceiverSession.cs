using System.Security.Cryptography;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>The verdict of one receiver: what it saw of every dealer, and what it staged.</summary>
internal sealed record ReceiverOutcome(IReadOnlyList<DealerVerdict> Dealers, long StagedPairs, long UnreadablePairs);

/// <summary>
/// Pulls every dealer's batches, merges them with this node's own snapshot in (key, version)
/// order and stages new values: s + Σ δ for a refresh, the masked u = s + Σ r for a recovery
/// helper. A pair is staged only when every dealer dealt it and it is in this node's own
/// snapshot, so a pair is refreshed on all nodes or on none (DESIGN.md §3).
/// </summary>
internal sealed class ReceiverSession(OperationRecord operation, byte ownX, OperationStore store, IPeerTransport peers)
{
    private const int OwnChunk = 2048;
    private long _done;

    public long PairsDone => Interlocked.Read(ref _done);

    public async Task<ReceiverOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var streams = operation.Dealers.Select(d => new DealerStream(d, operation, ownX, peers, cancellationToken)).ToArray();
        try
        {
            foreach (var stream in streams)
            {
                await stream.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            }
            var (staged, unreadable) = await MergeAsync(streams, cancellationToken).ConfigureAwait(false);
            // Every batch of every dealer is checked, also past this node's last pair: the
            // transcripts must cover all a dealer published to compare equal across receivers.
            foreach (var stream in streams)
            {
                while (!stream.Exhausted)
                {
                    await stream.AdvanceAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            var verdicts = streams.Select(s => new DealerVerdict { X = s.X, Valid = true, Batches = s.Batches, TranscriptHash = DealTranscript.Wrap(s.FinishTranscript()) }).ToArray();
            return new ReceiverOutcome(verdicts, staged, unreadable);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<(long Staged, long Unreadable)> MergeAsync(DealerStream[] streams, CancellationToken cancellationToken)
    {
        var sealEpoch = operation.Kind == OperationKind.Recovery ? OperationStore.MaskedValueEpoch : operation.TargetEpoch;
        var record = new byte[PairCodec.PairBytes];
        long staged = 0, unreadable = 0, after = 0;
        while (true)
        {
            var own = await store.ReadOwnSharesAsync(after, OwnChunk, operation.Epoch, cancellationToken).ConfigureAwait(false);
            if (own.Count == 0)
            {
                return (staged, unreadable);
            }
            var batch = new List<(byte[] Key, ulong Version, byte[] Sealed)>(own.Count);
            var unstaged = new List<byte[]>();
            foreach (var pair in own)
            {
                PairCodec.Write(record, pair.Key, pair.Version);
                var dealtByAll = true;
                foreach (var stream in streams)
                {
                    while (!stream.Exhausted && PairCodec.Compare(stream.CurrentPair, record) < 0)
                    {
                        await stream.AdvanceAsync(cancellationToken).ConfigureAwait(false);
                    }
                    dealtByAll &= !stream.Exhausted && PairCodec.Compare(stream.CurrentPair, record) == 0;
                }
                var refreshable = dealtByAll && pair.Sealed is not null;
                var sealedValue = refreshable ? Apply(streams, pair, sealEpoch) : null;
                if (sealedValue is not null)
                {
                    batch.Add((pair.Key, pair.Version, sealedValue));
                    continue;
                }
                if (refreshable)
                {
                    unreadable++;
                }
                unstaged.Add(pair.Key);
            }
            staged += await store.StageAsync(batch, unstaged, operation.Epoch, cancellationToken).ConfigureAwait(false);
            after = own[^1].Seq;
            Interlocked.Add(ref _done, own.Count);
        }
    }

    private byte[]? Apply(DealerStream[] streams, OwnShare pair, ulong sealEpoch)
    {
        var value = new byte[pair.Blocks * 16];
        try
        {
            if (!store.Shares.Sealer.TryOpen(pair.Key, pair.Version, pair.Epoch, pair.Sealed, value))
            {
                return null;
            }
            foreach (var stream in streams)
            {
                if (stream.CurrentBlocks != pair.Blocks)
                {
                    throw new DealerMisbehavedException(stream.X, $"it dealt {stream.CurrentBlocks} blocks for a pair of {pair.Blocks}.");
                }
                Refresh.AddInto(value, stream.CurrentValues);
            }
            return store.Shares.Sealer.Seal(pair.Key, pair.Version, sealEpoch, value);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value);
        }
    }
}
