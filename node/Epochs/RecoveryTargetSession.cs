using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// The node being rebuilt: pulls every helper's masked values u_l = s_l + Σ r_k(x_l), keeps
/// the pairs every helper sent, checks (with more than t helpers) that the values lie on one
/// polynomial of degree below t, interpolates its own share at its x and stages it. A helper off
/// the polynomial is named when the values can tell it (t + 2 helpers or more); with t + 1 the
/// rebuild fails naming nobody.
/// </summary>
internal sealed class RecoveryTargetSession(OperationRecord operation, byte ownX, OperationStore store, IPeerTransport peers)
{
    private const int Chunk = 1024;
    private long _done;

    public long PairsDone => Interlocked.Read(ref _done);

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var streams = operation.Dealers.Select(h => new HelperStream(h, operation.Id, peers, cancellationToken)).ToArray();
        var helperXs = streams.Select(s => s.X).ToArray();
        try
        {
            foreach (var stream in streams)
            {
                await stream.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            }
            long recovered = 0;
            var chunk = new List<PendingPair>(Chunk);
            while (await NextCommonPairAsync(streams, cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(Take(streams));
                foreach (var stream in streams)
                {
                    await stream.AdvanceAsync(cancellationToken).ConfigureAwait(false);
                }
                if (chunk.Count == Chunk)
                {
                    recovered += await RecoverAsync(helperXs, chunk, cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                }
            }
            recovered += await RecoverAsync(helperXs, chunk, cancellationToken).ConfigureAwait(false);
            return recovered;
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Advances every stream to the next pair that all of them hold; false once any runs out.
    private static async Task<bool> NextCommonPairAsync(HelperStream[] streams, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (streams.Any(s => s.Exhausted))
            {
                return false;
            }
            var highest = streams[0];
            foreach (var stream in streams)
            {
                if (PairCodec.Compare(stream.CurrentRecord, highest.CurrentRecord) > 0)
                {
                    highest = stream;
                }
            }
            var target = highest.CurrentRecord.ToArray();
            var aligned = true;
            foreach (var stream in streams)
            {
                while (!stream.Exhausted && PairCodec.Compare(stream.CurrentRecord, target) < 0)
                {
                    await stream.AdvanceAsync(cancellationToken).ConfigureAwait(false);
                }
                aligned &= !stream.Exhausted && PairCodec.Compare(stream.CurrentRecord, target) == 0;
            }
            if (aligned)
            {
                return true;
            }
        }
    }

    private PendingPair Take(HelperStream[] streams)
    {
        var first = streams[0].Current;
        foreach (var stream in streams)
        {
            var pair = stream.Current;
            if (pair.Blocks != first.Blocks || pair.Owner != first.Owner || pair.Name != first.Name || pair.Threshold != first.Threshold || !pair.Commitment.Span.SequenceEqual(first.Commitment.Span))
            {
                throw new DealerMisbehavedException(stream.X, $"it describes secret '{first.Name}' differently from helper x {streams[0].X}.");
            }
            if (pair.Threshold != operation.Threshold)
            {
                throw new DealerMisbehavedException(stream.X, $"secret '{pair.Name}' has threshold {pair.Threshold}, the fleet {operation.Threshold}.");
            }
        }
        return new PendingPair(first, [.. streams.Select(s => s.CurrentValues)]);
    }

    // One interpolation for the whole chunk: every pair comes from the same helpers, so the
    // Lagrange weights are the same for all (computing them per pair took field inversions each).
    private async Task<long> RecoverAsync(byte[] helperXs, List<PendingPair> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return 0;
        }
        var length = chunk.Sum(p => (int)p.Pair.Blocks * 16);
        var joined = new ReadOnlyMemory<byte>[helperXs.Length];
        for (var l = 0; l < helperXs.Length; l++)
        {
            var values = new byte[length];
            var offset = 0;
            foreach (var pending in chunk)
            {
                pending.Values[l].Span.CopyTo(values.AsSpan(offset));
                offset += pending.Values[l].Length;
            }
            joined[l] = values;
        }
        if (helperXs.Length > operation.Threshold)
        {
            var consistency = ShareRecovery.FindInconsistentHelpers(helperXs, joined, operation.Threshold);
            if (!consistency.Decodable)
            {
                // t + 1 values reveal that one is wrong but not which (t + 2 are needed to tell), and
                // naming any one here would let a lying helper have an honest one blamed.
                throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                    $"The masked values of helpers {string.Join(", ", helperXs)} do not lie on one polynomial, and {helperXs.Length} helpers for threshold {operation.Threshold} cannot tell which lies, so no node is named; rebuilding this node needs {operation.Threshold + 2} helpers to name it.");
            }
            if (consistency.InconsistentXs.Count > 0)
            {
                throw new DealerMisbehavedException(consistency.InconsistentXs[0],
                    $"its masked values are off the polynomial (helpers off it: {string.Join(", ", consistency.InconsistentXs)}).");
            }
        }
        var rebuilt = new List<RecoveredShare>(chunk.Count);
        var shares = new byte[length];
        try
        {
            ShareRecovery.Interpolate(helperXs, joined, ownX, shares);
            var offset = 0;
            foreach (var (pair, _) in chunk)
            {
                var share = shares.AsSpan(offset, (int)pair.Blocks * 16);
                offset += share.Length;
                var binding = new ShareBinding(pair.Key.ToByteArray(), pair.Version, pair.Owner, pair.Commitment.ToByteArray(), (int)pair.Threshold);
                rebuilt.Add(new RecoveredShare(binding.Key, binding.Version, pair.Owner, pair.Name, (int)pair.Blocks, binding.Commitment,
                    binding.Threshold, pair.UpdatedUnixMs, store.Shares.Sealer.Seal(binding, operation.TargetEpoch, share)));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shares);
        }
        await store.StoreRecoveredAsync(rebuilt, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _done, chunk.Count);
        return chunk.Count;
    }

    // The values are slices of the helpers' responses, copied once, into the chunk's joined arrays.
    private sealed record PendingPair(Core.Protos.RecoveredPair Pair, ReadOnlyMemory<byte>[] Values);
}
