using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A new-committee node's side of a resharing. For every batch it pulls every dealer's dealing
/// and checks, before it keeps anything:
/// <list type="bullet">
/// <item>every dealer dealt the same pairs, described the same way, and used the same digests for the
/// challenge (which is derived from all of them: one r for every dealer); when they differ, the dealer
/// that lied is told apart from the honest ones (<see cref="CheckAgreement"/>);</item>
/// <item>each dealer's values match the digest it published for this node, and its C (receiver check);</item>
/// <item>the dealers' constants C_i(0) lie on one polynomial of degree below t with at least 2t − 1
/// dealers on it and none off it (public check): every dealer dealt its own share.</item>
/// </list>
/// Then it combines the agreed dealers' values into its new share of every pair (threshold t') and
/// stages it. Any failure names the dealer and fails the resharing here; the coordinator aborts it.
/// </summary>
internal sealed class ResharingReceiverSession(OperationRecord operation, byte ownX, OperationStore store, IPeerTransport peers, TlsMaterial tls)
{
    private readonly ParticipantInfo[] _dealers = [.. operation.Dealers.OrderBy(d => d.X)];
    private readonly byte[] _dealerXs = [.. operation.Dealers.Select(d => d.X).Order()];
    private readonly byte[] _newXs = [.. operation.Receivers.Select(r => r.X).Order()];

    // A node of the old committee holds every pair's row; one joining the fleet learns what each pair is from the dealers.
    private readonly bool _joining = !operation.IsDealer(ownX);
    private long _done;

    public long PairsDone => Interlocked.Read(ref _done);

    public async Task<ReceiverOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var transcripts = _dealers.Select(_ => new DealTranscript()).ToArray();
        var streams = _dealers.Select(d => new PrefetchedBatches<DealResponse>(async (previous, ct) =>
        {
            var batch = previous is null ? 0 : previous.Batch + 1;
            var response = await peers.DealWhenReadyAsync(d, new DealRequest { OperationId = operation.Id, ReceiverX = ownX, Batch = batch }, ct).ConfigureAwait(false);
            return (response, response.Last || response.Batch != batch);
        }, cancellationToken)).ToArray();
        try
        {
            long staged = 0;
            ulong batches = 0;
            for (ulong batch = 0; ; batch++)
            {
                var responses = new DealResponse[_dealers.Length];
                for (var i = 0; i < _dealers.Length; i++)
                {
                    responses[i] = await streams[i].NextAsync(cancellationToken).ConfigureAwait(false)
                        ?? throw new DealerMisbehavedException(_dealers[i].X, "its batches ended without a last batch.");
                }
                try
                {
                    staged += await ReceiveAsync(batch, responses, transcripts, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var response in responses)
                    {
                        SubShareBuffers.Erase(response);
                    }
                }
                batches = batch + 1;
                if (responses[0].Last)
                {
                    break;
                }
            }
            var verdicts = _dealers.Select((d, i) => new DealerVerdict { X = d.X, Valid = true, Batches = batches, TranscriptHash = DealTranscript.Wrap(transcripts[i].Finish()) }).ToArray();
            return new ReceiverOutcome(verdicts, staged, 0);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var transcript in transcripts)
            {
                transcript.Dispose();
            }
        }
    }

    private async Task<int> ReceiveAsync(ulong batch, DealResponse[] responses, DealTranscript[] transcripts, CancellationToken cancellationToken)
    {
        var entries = CheckShape(batch, responses);
        var blocks = entries.Sum(e => e.Blocks);
        CheckAgreement(batch, responses);
        var reference = responses[0];
        if (_joining && !DealTranscript.PairsDigest(reference.Pairs, p => (p.Owner, p.Name, p.Commitment.Memory)).AsSpan().SequenceEqual(reference.PairsDigest.Span))
        {
            throw new DealerMisbehavedException(_dealerXs[0], $"batch {batch}: what it says the pairs are does not match the digest every dealer published.");
        }
        var own = Array.IndexOf(_newXs, ownX);
        for (var i = 0; i < responses.Length; i++)
        {
            var published = reference.Rows[i].Digests[own].Digest.Span;
            if (!published.SequenceEqual(BatchCheck.Digest(responses[i].Values.Span, responses[i].Mask.Span)))
            {
                throw new DealerMisbehavedException(_dealerXs[i], $"batch {batch} publishes a digest for x {ownX} that does not match what it sent.");
            }
        }
        var idsHash = DealTranscript.IdsHash(reference.PairKeys.Span, reference.PairBlocks.Span);
        var challenge = Resharing.Challenge(DealTranscript.ResharingContext(operation, batch), idsHash,
            [.. reference.Rows.SelectMany(r => r.Digests.Select(d => d.Digest.ToByteArray()))]);
        var dealings = responses.Select((r, i) => new ReceivedDealing(_dealerXs[i], r.Values.ToByteArray(), r.Mask.ToByteArray(), r.Combined.ToByteArray())).ToArray();
        try
        {
            var failing = Resharing.FailingDealers(operation.NewThreshold, ownX, blocks, challenge, dealings);
            if (failing.Count > 0)
            {
                throw new DealerMisbehavedException(failing[0], $"batch {batch} failed the check: what it dealt x {ownX} does not match its published combination.");
            }
            var verdict = Resharing.CheckConstants(_dealerXs, [.. responses.Select(r => Resharing.ConstantOf(r.Combined.Span))], operation.Threshold);
            if (verdict.NamedXs.Count > 0)
            {
                throw new DealerMisbehavedException(verdict.NamedXs[0],
                    $"batch {batch}: its constant is off the polynomial the others agree on, so it did not reshare its own share (off it: {string.Join(", ", verdict.NamedXs)}).");
            }
            if (!verdict.CanCommit)
            {
                throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Batch {batch} cannot be reshared: {verdict.Refusal}");
            }
            for (var i = 0; i < responses.Length; i++)
            {
                transcripts[i].AppendResharing(responses[i], idsHash);
            }
            var described = _joining
                ? [.. reference.Pairs.Select(p => new PairDescription(p.Owner, p.Name, p.Commitment.ToByteArray(), p.UpdatedUnixMs))]
                : await store.DescribeAsync(entries, cancellationToken).ConfigureAwait(false);
            var staged = Combine(described, entries, verdict.AgreedDealers, dealings, blocks);
            await store.StageResharedAsync(staged, _joining, operation.CatchUp, operation.TargetEpoch, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _done, staged.Count);
            return staged.Count;
        }
        finally
        {
            foreach (var dealing in dealings)
            {
                CryptographicOperations.ZeroMemory(dealing.Values);
                CryptographicOperations.ZeroMemory(dealing.Mask);
            }
        }
    }

    // Every dealer agreed on the pairs (checked above); this node's new share of each is Σ λ_i·g_i(y) over D.
    private List<RecoveredShare> Combine(IReadOnlyList<PairDescription> described, List<SnapshotEntry> entries, IReadOnlyList<byte> agreed, ReceivedDealing[] dealings, int blocks)
    {
        var agreedXs = agreed.ToArray();
        var values = agreedXs.Select(x => (ReadOnlyMemory<byte>)dealings.First(d => d.DealerX == x).Values).ToArray();
        var combined = new byte[blocks * Gf128.BlockSize];
        var staged = new List<RecoveredShare>(entries.Count);
        try
        {
            Resharing.Combine(operation.Threshold, agreedXs, values, combined);
            var offset = 0;
            for (var p = 0; p < entries.Count; p++)
            {
                var pair = described[p];
                var share = combined.AsSpan(offset, entries[p].Blocks * Gf128.BlockSize);
                var binding = new ShareBinding(entries[p].Key, entries[p].Version, pair.Owner, pair.Commitment, operation.NewThreshold);
                staged.Add(new RecoveredShare(binding.Key, binding.Version, pair.Owner, pair.Name, entries[p].Blocks, binding.Commitment,
                    binding.Threshold, pair.UpdatedUnixMs, store.Shares.Sealer.Seal(binding, operation.TargetEpoch, share)));
                offset += share.Length;
            }
            return staged;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(combined);
        }
    }

    // The shape of every dealer's batch, and the pairs the first one lists (the others must list the same).
    private List<SnapshotEntry> CheckShape(ulong batch, DealResponse[] responses)
    {
        List<SnapshotEntry>? entries = null;
        for (var i = 0; i < responses.Length; i++)
        {
            var response = responses[i];
            var listed = SnapshotEntry.Decode(response.PairKeys.Span, response.PairBlocks.Span);
            var blocks = listed?.Sum(e => (long)e.Blocks) ?? -1;
            if (response.Batch != batch || listed is null || blocks > BatchCheck.MaxBlocks
                || response.Values.Length != blocks * Gf128.BlockSize || response.Mask.Length != Gf128.BlockSize
                || response.Combined.Length != operation.NewThreshold * Gf128.BlockSize
                || response.PairsDigest.Length != 32 || response.Pairs.Count != (_joining && i == 0 ? listed.Count : 0)
                || response.Pairs.Where((p, k) => p.Blocks != listed[k].Blocks || p.Version != listed[k].Version || !p.Key.Span.SequenceEqual(listed[k].Key)).Any()
                || response.Rows.Count != _dealerXs.Length || response.Rows.Where((r, k) => !SignedDigestRows.HasShape(r, _dealerXs[k], _newXs)).Any())
            {
                throw new DealerMisbehavedException(_dealerXs[i], $"batch {batch} has the wrong shape.");
            }
            entries ??= listed;
        }
        return entries!;
    }

    /// <summary>
    /// Every dealer must send the same pairs, pairs digest and digest rows. When they differ, naming
    /// the dealer that differs from the first would let a lying first dealer get an honest one named,
    /// so the liar is found otherwise:
    /// <list type="bullet">
    /// <item>the pairs and their digest each honest dealer computes from the one agreed snapshot, and a
    /// resharing needs n ≥ 2t − 1, so at least t dealers are honest and fewer than t lie: what t
    /// dealers send is the honest version, and a dealer that sends another is lying;</item>
    /// <item>a digest row an honest dealer got from another dealer, which may tell dealers different
    /// stories; each row is signed by its dealer, and each dealer checked the signatures of the rows
    /// it fetched. A row here without its dealer's signature was altered by the dealer that sent it;
    /// two different rows both signed by one dealer prove that dealer told two stories.</item>
    /// </list>
    /// </summary>
    private void CheckAgreement(ulong batch, DealResponse[] responses)
    {
        Outvote(batch, responses, "pairs", (a, b) => a.Last == b.Last && a.PairKeys.Span.SequenceEqual(b.PairKeys.Span) && a.PairBlocks.Span.SequenceEqual(b.PairBlocks.Span));
        Outvote(batch, responses, "description of the pairs", (a, b) => a.PairsDigest.Span.SequenceEqual(b.PairsDigest.Span));
        for (var j = 0; j < _dealers.Length; j++)
        {
            if (responses.All(r => r.Rows[j].Digests.SequenceEqual(responses[0].Rows[j].Digests)))
            {
                continue;
            }
            using var verifier = new FleetSignatureVerifier(tls, TimeProvider.System);
            var signer = _dealers[j];
            for (var k = 0; k < responses.Length; k++)
            {
                var row = responses[k].Rows[j];
                if (!SignedDigestRows.IsSignedBy(verifier, operation, batch, signer, row))
                {
                    throw new DealerMisbehavedException(_dealerXs[k], $"batch {batch}: the digests of dealer x {signer.X} it sent do not carry x {signer.X}'s signature, so it altered them.");
                }
            }
            throw new DealerMisbehavedException(signer.X, $"batch {batch}: it signed two different lists of digests, so it told dealers different stories.");
        }
    }

    private void Outvote(ulong batch, DealResponse[] responses, string what, Func<DealResponse, DealResponse, bool> same)
    {
        if (responses.All(r => same(r, responses[0])))
        {
            return;
        }
        var honest = responses.FirstOrDefault(r => responses.Count(o => same(r, o)) >= operation.Threshold)
            ?? throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                $"Batch {batch} cannot be reshared: the dealers disagree on its {what} and no {operation.Threshold} of them agree, so which of them lie cannot be told and no node is named.");
        var liar = Array.FindIndex(responses, r => !same(r, honest));
        throw new DealerMisbehavedException(_dealerXs[liar],
            $"batch {batch}: its {what} differ from what {responses.Count(r => same(r, honest))} other dealers sent, and fewer than {operation.Threshold} dealers can lie.");
    }
}
