using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Storage;
using Refresh = SecretFleet.Core.Sharing.Refresh;

namespace SecretFleet.Node.Epochs;

/// <summary>The verdict of one receiver: what it saw of every dealer, and what it staged.</summary>
internal sealed record ReceiverOutcome(IReadOnlyList<DealerVerdict> Dealers, long StagedPairs, long UnreadablePairs);

/// <summary>
/// Pulls every dealer's batches and walks them in step with the agreed snapshot (this node's
/// own snapshot plus the pairs it lacks): every dealer must have dealt exactly every entry of
/// it, in order, batch k exactly the pairs of this node's own cut k (<see cref="BatchCuts"/>).
/// A dealer that leaves one out, or deals one that is not in it, is named and the operation
/// fails: no dealer can exempt a pair from a refresh (DESIGN.md §3). For the entries
/// this node holds it stages s + Σ δ (refresh) or the masked u = s + Σ r (recovery helper); for
/// the entries it lacks, a refresh keeps Σ δ aside, so that a write of that pair arriving during
/// the operation is refreshed with it like every other node's share.
/// </summary>
internal sealed class ReceiverSession(OperationRecord operation, byte ownX, OperationStore store, IPeerTransport peers, IReadOnlyList<SnapshotEntry> missing)
{
    private const int OwnChunk = 2048;
    private long _done;

    public long PairsDone => Interlocked.Read(ref _done);

    public async Task<ReceiverOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var cuts = new BatchCuts(new BatchCutter(store, missing, operation.BatchBlocks));
        var streams = operation.Dealers.Select(d => new DealerStream(d, operation, ownX, peers, cuts, cancellationToken)).ToArray();
        try
        {
            foreach (var stream in streams)
            {
                await stream.AdvanceAsync(0, cancellationToken).ConfigureAwait(false);
            }
            var (staged, unreadable) = await MergeAsync(streams, cancellationToken).ConfigureAwait(false);
            if (streams.Any(s => !s.Exhausted))
            {
                throw new InvalidOperationException("The walk of the agreed snapshot ended before its cut.");
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
        var agreed = new AgreedStream<OwnShare>((after, ct) => store.ReadOwnSharesAsync(after, OwnChunk, operation.Epoch, ct), missing);
        var stage = new StageBatch();
        long staged = 0, unreadable = 0;
        while (await agreed.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            var entry = agreed.Entry;
            if (agreed.Own is { } own)
            {
                var sealedValue = own.Sealed is null ? null : Apply(streams, own, sealEpoch);
                if (sealedValue is not null)
                {
                    stage.Values.Add((own.Key, own.Version, sealedValue));
                }
                else
                {
                    unreadable += own.Sealed is null ? 0 : 1;
                    stage.Unstaged.Add(own.Key);
                }
            }
            else if (operation.Kind == OperationKind.Refresh)
            {
                stage.Pending.Add((entry.Key, entry.Version, SumDeltas(streams, entry)));
            }
            foreach (var stream in streams)
            {
                await stream.AdvanceAsync(entry.Blocks, cancellationToken).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _done);
            if (stage.Count >= OwnChunk)
            {
                staged += await stage.FlushAsync(store, operation.Epoch, cancellationToken).ConfigureAwait(false);
            }
        }
        staged += await stage.FlushAsync(store, operation.Epoch, cancellationToken).ConfigureAwait(false);
        return (staged, unreadable);
    }

    private byte[]? Apply(DealerStream[] streams, OwnShare pair, ulong sealEpoch)
    {
        var value = new byte[pair.Blocks * 16];
        try
        {
            var binding = pair.Binding!.Value;
            if (!store.Shares.Sealer.TryOpen(binding, pair.Epoch, pair.Sealed, value))
            {
                return null;
            }
            foreach (var stream in streams)
            {
                Refresh.AddInto(value, stream.Values(pair.Blocks));
            }
            return store.Shares.Sealer.Seal(binding, sealEpoch, value);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value);
        }
    }

    // Σ δ at this node for a pair it does not hold, sealed: applied at commit if the pair is written here meanwhile.
    private byte[] SumDeltas(DealerStream[] streams, SnapshotEntry entry)
    {
        var sum = new byte[entry.Blocks * 16];
        try
        {
            foreach (var stream in streams)
            {
                Refresh.AddInto(sum, stream.Values(entry.Blocks));
            }
            return store.Shares.Sealer.Seal(ShareBinding.ForDelta(entry.Key, entry.Version), OperationStore.PendingDeltaEpoch, sum);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sum);
        }
    }

    /// <summary>What the merge stages, written in chunks.</summary>
    private sealed class StageBatch
    {
        public List<(byte[] Key, ulong Version, byte[] Sealed)> Values { get; } = [];

        public List<byte[]> Unstaged { get; } = [];

        public List<(byte[] Key, ulong Version, byte[] Sealed)> Pending { get; } = [];

        public int Count => Values.Count + Unstaged.Count + Pending.Count;

        public async Task<int> FlushAsync(OperationStore store, ulong epoch, CancellationToken cancellationToken)
        {
            if (Count == 0)
            {
                return 0;
            }
            var staged = await store.StageAsync(Values, Unstaged, Pending, epoch, cancellationToken).ConfigureAwait(false);
            Values.Clear();
            Unstaged.Clear();
            Pending.Clear();
            return staged;
        }
    }
}
