using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>What the coordinator concluded from the participants' verdicts.</summary>
internal sealed record OperationVerdict(OperationDecision Decision, string Reason, string ReasonCode, IReadOnlyList<byte> Culprits, long Pairs)
{
    public static OperationVerdict Abort(string reason, string code, params byte[] culprits) => new(OperationDecision.Abort, reason, code, culprits, 0);
}

/// <summary>One operation's first phase: Begin everywhere, Verify, wait for every node to stage, judge the verdicts.</summary>
internal sealed class OperationRun(INodeOperations nodes, FleetView fleet, OperationLogRecord record, TimeProvider time, CoordinatorOptions options, IProgress<OperationProgress>? progress)
{
    private readonly FleetMember[] _dealers = [.. record.Participants.Select(fleet.Member)];
    private readonly FleetMember? _target = record.RecoveryTargetX == 0 ? null : fleet.Member(record.RecoveryTargetX);

    // A resharing's new committee receives; otherwise the dealers receive their own dealings.
    private readonly FleetMember[] _receivers = record.Kind == OperationKind.Resharing ? [.. (record.Receivers ?? []).Select(fleet.Member)] : [.. record.Participants.Select(fleet.Member)];

    private bool Resharing => record.Kind == OperationKind.Resharing;

    public async Task<OperationVerdict> ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var begin = new BeginRequest
            {
                OperationId = record.Id, Kind = record.Kind, Epoch = record.Epoch, TargetEpoch = record.TargetEpoch,
                Threshold = (uint)fleet.Threshold, RecoveryTargetX = record.RecoveryTargetX, BatchBlocks = (uint)options.BatchBlocks, FleetId = fleet.FleetId,
                FleetNodes = Resharing ? 0u : (uint)fleet.Members.Count,
            };
            begin.Dealers.Add(_dealers.Select(Participant));
            if (_target is not null)
            {
                begin.RecoveryTarget = Participant(_target);
            }
            if (Resharing)
            {
                begin.Receivers.Add(_receivers.Select(Participant));
                begin.NewThreshold = (uint)record.NewThreshold;
            }
            var verdict = await RoundAsync(begin, "verifying", cancellationToken).ConfigureAwait(false);
            if (Resharing && verdict.Decision == OperationDecision.Commit)
            {
                // The pairs stored while the first round dealt (nodes took stores again at Verify)
                // are dealt in a last round; stores are held only from its start to the end.
                begin.CatchUp = true;
                var caughtUp = await RoundAsync(begin, "catching up", cancellationToken).ConfigureAwait(false);
                verdict = caughtUp.Decision == OperationDecision.Commit ? verdict with { Pairs = verdict.Pairs + caughtUp.Pairs } : caughtUp;
            }
            if (verdict.Decision == OperationDecision.Commit && _target is not null)
            {
                await CallAsync(_target, () => nodes.VerifyAsync(_target, Verify([], []), cancellationToken)).ConfigureAwait(false);
                var target = await WaitForStageAsync([_target], "rebuilding", cancellationToken).ConfigureAwait(false);
                var status = target[_target.X];
                verdict = status.Phase == OperationPhase.Staged
                    ? verdict with { Pairs = (long)status.StagedPairs }
                    : Failed(target);
            }
            return verdict;
        }
        catch (NodeCallFailedException e)
        {
            return OperationVerdict.Abort($"Node x {e.X} failed: {e.Message}", e.Code);
        }
        catch (SnapshotDisagreementException e)
        {
            return OperationVerdict.Abort(e.Message, e.Code, e.Code == SnapshotDisagreementException.Misbehaved ? [e.X] : []);
        }
    }

    // Begin everywhere, agree on the snapshot, Verify, wait for every node to stage, judge.
    private async Task<OperationVerdict> RoundAsync(BeginRequest begin, string phase, CancellationToken cancellationToken)
    {
        var everyone = record.Everyone.Select(fleet.Member).ToArray();
        var begun = new System.Collections.Concurrent.ConcurrentDictionary<byte, BeginResponse>();
        await BeginAsync(everyone, begin, begun, cancellationToken).ConfigureAwait(false);
        if (Resharing)
        {
            await SettleSnapshotsAsync(begin, begun, cancellationToken).ConfigureAwait(false);
        }
        var missing = await SnapshotReconciliation.MissingAsync(nodes, record.Id, _dealers, begun, cancellationToken).ConfigureAwait(false);
        if (Resharing && missing.FirstOrDefault(m => m.Value.Count > 0) is { Value: not null } lacking)
        {
            // A resharing deals shares, so a dealer cannot deal a pair it lacks.
            return OperationVerdict.Abort($"Node x {lacking.Key} lacks {lacking.Value.Count} secrets the other nodes hold (they stayed different for {options.SnapshotSettleTimeout.TotalSeconds:F0} s: a store reached only some nodes and was not rolled back); retry the resharing, or rebuild node x {lacking.Key} with a share recovery first.", "snapshots-diverge");
        }
        var verifying = Resharing ? everyone : _dealers;
        var agreed = Resharing ? SnapshotBuckets.Fingerprint(begun[_dealers[0].X].BucketDigests.Span) : [];
        await Task.WhenAll(verifying.Select(node => CallAsync(node, () => nodes.VerifyAsync(node, Verify(missing.GetValueOrDefault(node.X) ?? [], agreed), cancellationToken)))).ConfigureAwait(false);
        var statuses = await WaitForStageAsync(verifying, phase, cancellationToken).ConfigureAwait(false);
        if (Resharing && statuses.Values.All(s => s.Phase == OperationPhase.Staged))
        {
            // Dealers check each other's mask dealings while receivers pull; once every receiver
            // staged those checks are done, but a dealer polled before the last receiver may not
            // have reported them yet.
            statuses = await WaitForStageAsync(verifying, phase, cancellationToken).ConfigureAwait(false);
        }
        return Judge(statuses);
    }

    // Until Verify a resharing's dealers accept deletes (a straddled store's rollback is one), so
    // differing snapshots may still converge: ask again (Begin is idempotent) for a short while.
    // The same holds for the catch-up round's snapshot.
    private async Task SettleSnapshotsAsync(BeginRequest begin, System.Collections.Concurrent.ConcurrentDictionary<byte, BeginResponse> begun, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.SnapshotSettleTimeout;
        while (_dealers.Any(d => !begun[d.X].BucketDigests.Equals(begun[_dealers[0].X].BucketDigests)) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            await BeginAsync(_dealers, begin, begun, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task BeginAsync(IEnumerable<FleetMember> members, BeginRequest begin, System.Collections.Concurrent.ConcurrentDictionary<byte, BeginResponse> begun, CancellationToken cancellationToken) =>
        Task.WhenAll(members.Select(node => CallAsync(node, async () => begun[node.X] = await nodes.BeginAsync(node, begin, cancellationToken).ConfigureAwait(false))));

    private VerifyRequest Verify(IReadOnlyList<SnapshotEntry> missing, byte[] agreedSnapshot)
    {
        var (records, blockCounts) = SnapshotEntry.Encode(missing);
        return new VerifyRequest
        {
            OperationId = record.Id,
            MissingPairKeys = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(records),
            MissingPairBlocks = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(blockCounts),
            AgreedSnapshot = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(agreedSnapshot),
        };
    }

    // Nodes serve each participant only what is meant for the identity named here.
    private static Participant Participant(FleetMember member) =>
        new() { X = member.X, Endpoint = member.Endpoint.ToString(), TlsName = member.TlsName, Identity = member.Identity.ToString() };

    private async Task<Dictionary<byte, OperationStatusResponse>> WaitForStageAsync(IReadOnlyList<FleetMember> members, string phase, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.OperationTimeout;
        var lastHeard = members.ToDictionary(m => m.X, _ => time.GetUtcNow());
        var latest = new Dictionary<byte, OperationStatusResponse>();
        while (true)
        {
            var polls = await Task.WhenAll(members.Select(async m =>
            {
                try
                {
                    return (m.X, Status: await nodes.StatusAsync(m, record.Id, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    return (m.X, Status: (OperationStatusResponse?)null);
                }
            })).ConfigureAwait(false);
            var now = time.GetUtcNow();
            foreach (var (x, status) in polls)
            {
                if (status is not null)
                {
                    latest[x] = status;
                    lastHeard[x] = now;
                }
                else if (now - lastHeard[x] > options.NodeSilenceLimit)
                {
                    throw new NodeCallFailedException(x, $"it did not answer for {options.NodeSilenceLimit.TotalSeconds:F0} s", "unreachable");
                }
            }
            progress?.Report(new OperationProgress(phase, latest.Values.Sum(s => (long)s.PairsDone), latest.Values.Sum(s => (long)s.PairsTotal)));
            if (latest.Values.Any(s => s.Phase is OperationPhase.Failed or OperationPhase.Aborted)
                || (latest.Count == members.Count && latest.Values.All(s => s.Phase == OperationPhase.Staged)))
            {
                return latest;
            }
            if (now >= deadline)
            {
                throw new NodeCallFailedException(members.First(m => !latest.TryGetValue(m.X, out var s) || s.Phase != OperationPhase.Staged).X,
                    $"it was not done {phase} after {options.OperationTimeout.TotalMinutes:F0} min", "timeout");
            }
            await Task.Delay(options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private OperationVerdict Judge(Dictionary<byte, OperationStatusResponse> statuses)
    {
        if (statuses.Values.Any(s => s.Phase != OperationPhase.Staged))
        {
            return Failed(statuses);
        }
        foreach (var dealer in _dealers)
        {
            var seen = _receivers.Select(r => statuses[r.X].Dealers.FirstOrDefault(v => v.X == dealer.X)).ToArray();
            if (Same(dealer, seen, "receivers") is { } failed)
            {
                return failed;
            }
            if (Resharing && Same(dealer, [.. _dealers.Where(d => d.X != dealer.X).Select(d => statuses[d.X].MaskDealers.FirstOrDefault(v => v.X == dealer.X))], "the other dealers (its mask dealings)") is { } mask)
            {
                return mask;
            }
        }
        return new OperationVerdict(OperationDecision.Commit, "every node staged and verified every dealer", "", [], statuses.Values.Max(s => (long)s.StagedPairs));
    }

    // Every observer verified the dealer and saw the same transcript, or the dealer is named.
    private static OperationVerdict? Same(FleetMember dealer, DealerVerdict?[] seen, string observers)
    {
        if (seen.Any(v => v is null || !v.Valid))
        {
            return OperationVerdict.Abort($"Node x {dealer.X} (ordinal {dealer.Ordinal}) was not verified by all of {observers}.", "dealer-misbehaved", dealer.X);
        }
        if (seen.Any(v => !v!.TranscriptHash.Equals(seen[0]!.TranscriptHash) || v.Batches != seen[0]!.Batches))
        {
            return OperationVerdict.Abort($"Node x {dealer.X} (ordinal {dealer.Ordinal}) told {observers} different things.", "transcript-mismatch", dealer.X);
        }
        return null;
    }

    private static OperationVerdict Failed(Dictionary<byte, OperationStatusResponse> statuses)
    {
        // Name a node that failed, not one still verifying when the poll stopped.
        var failed = statuses.Where(s => s.Value.Phase != OperationPhase.Staged)
            .OrderBy(s => s.Value.Phase is OperationPhase.Failed or OperationPhase.Aborted ? 0 : 1).ThenBy(s => s.Key).First();
        var culprits = statuses.Values.SelectMany(s => s.Dealers.Concat(s.MaskDealers)).Where(v => !v.Valid).Select(v => (byte)v.X).Distinct().Order().ToArray();
        var reason = string.IsNullOrEmpty(failed.Value.Failure) ? $"Node x {failed.Key} is {failed.Value.Phase}." : $"Node x {failed.Key}: {failed.Value.Failure}";
        return OperationVerdict.Abort(reason, culprits.Length > 0 ? "dealer-misbehaved" : "node-failed", culprits);
    }

    private static async Task CallAsync(FleetMember node, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not NodeCallFailedException)
        {
            throw new NodeCallFailedException(node.X, e.Message, "unreachable");
        }
    }

    private sealed class NodeCallFailedException(byte x, string message, string code) : Exception(message)
    {
        public byte X { get; } = x;

        public string Code { get; } = code;
    }
}
