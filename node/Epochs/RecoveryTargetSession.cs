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
/// rebuild fails naming nobody. The helper with the lowest x says what each pair is and the
/// others send only digests of what they hold (<see cref="PairDescriptionDigest"/>); where they
/// differ, the description t helpers agree on stands and a helper off it is named.
/// </summary>
internal sealed class RecoveryTargetSession(OperationRecord operation, byte ownX, OperationStore store, IPeerTransport peers)
{
    private const int Chunk = 1024;
    private readonly byte[] _digests = new byte[operation.Dealers.Count * PairDescriptionDigest.Bytes];
    private long _done;

    public long PairsDone => Interlocked.Read(ref _done);

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        // The helper with the lowest x describes the pairs; the others send digests of their descriptions.
        var helpers = operation.Dealers.OrderBy(h => h.X).ToArray();
        var streams = helpers.Select((h, i) => new HelperStream(h, operation.Id, digestsOnly: i > 0, peers, cancellationToken)).ToArray();
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
        var digests = _digests.AsSpan();
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i].CurrentDigest(digests.Slice(i * PairDescriptionDigest.Bytes, PairDescriptionDigest.Bytes));
        }
        for (var i = 1; i < streams.Length; i++)
        {
            if (!digests.Slice(i * PairDescriptionDigest.Bytes, PairDescriptionDigest.Bytes).SequenceEqual(digests[..PairDescriptionDigest.Bytes]))
            {
                throw Outvoted(streams);
            }
        }
        var describer = streams[0];
        var pair = describer.Described
            ?? throw new DealerMisbehavedException(describer.X, "it was asked what the pairs are and sent only their digests.");
        if (pair.Threshold != operation.Threshold)
        {
            // Every helper says so, and fewer than t of them can lie: the fleet's rows disagree with its threshold.
            throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                $"Every helper holds secret '{pair.Name}' with threshold {pair.Threshold}, but the fleet's threshold is {operation.Threshold}; rebuild this node after the fleet agrees on one threshold.");
        }
        return new PendingPair(pair, [.. streams.Select(s => s.CurrentValues)]);
    }

    /// <summary>
    /// Helpers describe one pair differently. Naming the one that differs from the first would let a
    /// lying first helper get an honest one named. Fewer than t nodes lie, so a description t helpers
    /// agree on is the honest one, and a helper that sent another is lying; with no t in agreement,
    /// nobody can be named.
    /// </summary>
    private Exception Outvoted(HelperStream[] streams)
    {
        var versions = Enumerable.Range(0, streams.Length)
            .GroupBy(i => Convert.ToHexString(_digests, i * PairDescriptionDigest.Bytes, PairDescriptionDigest.Bytes))
            .ToArray();
        var agreed = versions.FirstOrDefault(v => v.Count() >= operation.Threshold);
        if (agreed is null)
        {
            return new OperationRejectedException(OperationRejection.FailedPrecondition,
                $"Helpers {string.Join(", ", streams.Select(s => s.X))} describe one secret in {versions.Length} ways and no {operation.Threshold} of them agree, so no node is named; rebuild this node with more helpers.");
        }
        var off = streams.Where((_, i) => !agreed.Contains(i)).Select(s => s.X).ToArray();
        var what = agreed.Contains(0) && streams[0].Described is { } pair ? $"secret '{pair.Name}'" : "a secret";
        return new DealerMisbehavedException(off[0], $"it describes {what} differently from the {agreed.Count()} helpers that agree on it (helpers off it: {string.Join(", ", off)}).");
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
