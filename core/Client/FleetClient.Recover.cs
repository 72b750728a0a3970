using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Client;

public sealed partial class FleetClient
{
    /// <summary>
    /// Reads the shares (from a read quorum first, see <see cref="RecoverReads"/>), groups the
    /// answers by (version, epoch, commitment) and combines the newest group that holds at least
    /// t shares. With more than t shares, wrong ones are found and named. While nodes straddle an
    /// epoch change it retries briefly; when the newest version is held by fewer than t nodes (a
    /// failed overwrite) it falls back to the version before.
    /// </summary>
    public async Task<RecoverResult> RecoverAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        var time = _options.TimeProvider;
        var deadline = time.GetUtcNow() + _options.EpochSettleTimeout;
        var answers = (NodeAnswer<GetShareResponse>[]?)null;
        if (_options.RecoverReads == RecoverReads.Quorum && _channels.PickQuorum(QuorumSize) is { } quorum)
        {
            var read = await ReadQuorumAsync(name, quorum, cancellationToken).ConfigureAwait(false);
            if (read.Result is { } agreed)
            {
                return agreed;
            }
            answers = read.Answers;
        }
        while (true)
        {
            answers ??= await GetAllAsync(_channels.Nodes, name, 0, cancellationToken).ConfigureAwait(false);
            ThrowIfNothingUsable(name, answers);
            var pool = answers.Where(a => a.Ok).Select(a => a.Response!).ToList();
            var attempt = TryCombine(name, pool, answers);
            if (attempt.Result is null && attempt.OlderVersion is { } older)
            {
                var previous = await GetAllAsync(_channels.Nodes, name, older, cancellationToken).ConfigureAwait(false);
                pool.AddRange(previous.Where(a => a.Ok).Select(a => a.Response!));
                attempt = TryCombine(name, pool, answers);
            }
            if (attempt.Result is { } result)
            {
                return result;
            }
            if (!attempt.Straddling || time.GetUtcNow() >= deadline)
            {
                throw attempt.Failure!;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
            answers = null;
        }
    }

    // q nodes leave n − q < t unasked, so any version that t nodes hold shows up in the quorum.
    private int QuorumSize => Math.Max(_options.Threshold, _channels.Nodes.Count - _options.Threshold + 1);

    /// <summary>
    /// Asks the quorum. When every answer is the same version, epoch and commitment and the shares
    /// reconstruct the committed secret, that is the result. Otherwise the other nodes are asked
    /// too and all answers are returned for the full decision.
    /// </summary>
    private async Task<(RecoverResult? Result, NodeAnswer<GetShareResponse>[] Answers)> ReadQuorumAsync(string name, FleetMember[] quorum, CancellationToken cancellationToken)
    {
        var answers = await GetAllAsync(quorum, name, 0, cancellationToken).ConfigureAwait(false);
        if (Agreed(name, answers) is { } result)
        {
            return (result, answers);
        }
        var rest = await GetAllAsync(_channels.Nodes.Except(quorum), name, 0, cancellationToken).ConfigureAwait(false);
        return (null, [.. answers.Concat(rest).OrderBy(a => a.Node.X)]);
    }

    private RecoverResult? Agreed(string name, NodeAnswer<GetShareResponse>[] answers)
    {
        if (!answers.All(a => a.Ok && a.Response!.X == a.Node.X && a.Response.Threshold == _options.Threshold))
        {
            return null;
        }
        var first = answers[0].Response!;
        if (!answers.All(a => a.Response!.Version == first.Version && a.Response.Epoch == first.Epoch && a.Response.Commitment.Equals(first.Commitment)))
        {
            return null;
        }
        var shares = answers.Select(a => new ShareValue((byte)a.Node.X, a.Response!.Share.ToByteArray())).ToArray();
        RobustCombineResult combined;
        try
        {
            combined = Shamir.CombineRobust(shares, first.Commitment.Span, _options.Threshold);
        }
        catch (SharingException)
        {
            return null;
        }
        if (!combined.Succeeded || combined.BadXs.Count > 0)
        {
            return null;
        }
        return new RecoverResult(name, combined.Secret, first.Version, first.Epoch, [.. shares.Select(s => s.X).Order()], [], []);
    }

    private Task<NodeAnswer<GetShareResponse>[]> GetAllAsync(IEnumerable<FleetMember> nodes, string name, ulong version, CancellationToken cancellationToken) =>
        _channels.FanOutAsync(nodes, SharesService, "Get", _ => new GetShareRequest { Name = name, Version = version }, GetShareResponse.Parser, cancellationToken);

    private static void ThrowIfNothingUsable(string name, NodeAnswer<GetShareResponse>[] answers)
    {
        if (answers.Any(a => a.Ok))
        {
            return;
        }
        if (answers.Any(a => a.Is(RpcStatusCode.PermissionDenied)))
        {
            throw new FleetClientException(FleetErrorKind.PermissionDenied, $"Secret '{name}' belongs to another client identity.");
        }
        var unreachable = answers.Where(a => a.Unreachable).Select(a => a.Node.X).ToArray();
        if (answers.Count(a => a.Is(RpcStatusCode.NotFound)) > 0 && unreachable.Length < answers.Length / 2 + 1)
        {
            throw new FleetClientException(FleetErrorKind.NotFound, $"No secret named '{name}'; `kubectl secrets list` shows what is stored.");
        }
        throw new FleetClientException(FleetErrorKind.NotEnoughNodes,
            $"No node returned a share of '{name}' (unreachable: {Describe(unreachable)}).", unreachable);
    }

    private CombineAttempt TryCombine(string name, List<GetShareResponse> pool, NodeAnswer<GetShareResponse>[] answers)
    {
        var t = _options.Threshold;
        var unreachable = answers.Where(a => a.Unreachable).Select(a => a.Node.X).ToArray();
        var corrupt = answers.Where(a => a.Is(RpcStatusCode.DataLoss)).Select(a => a.Node.X).ToList();
        var versions = pool.GroupBy(s => s.Version).OrderByDescending(v => v.Key).ToArray();
        var straddling = false;
        foreach (var version in versions)
        {
            var groups = version.GroupBy(s => (s.Epoch, Commitment: Convert.ToHexString(s.Commitment.Span)))
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key.Epoch).ToArray();
            foreach (var group in groups.Where(g => g.Count() >= t))
            {
                var shares = group.DistinctBy(s => s.X).Select(s => new ShareValue((byte)s.X, s.Share.ToByteArray())).ToArray();
                var combined = Shamir.CombineRobust(shares, group.First().Commitment.Span, t);
                if (combined.Succeeded)
                {
                    var bad = combined.BadXs.Concat(corrupt).Distinct().Order().ToArray();
                    var used = shares.Select(s => s.X).Except(bad).Order().ToArray();
                    return new CombineAttempt(new RecoverResult(name, combined.Secret, version.Key, group.Key.Epoch, used, bad, unreachable), null, false, null);
                }
                corrupt.AddRange(shares.Select(s => s.X));
            }
            // Shares of this version exist in more than one epoch: nodes are mid-commit.
            straddling |= groups.Length > 1 && version.Count() >= t && groups.All(g => g.Count() < t);
            if (straddling)
            {
                break;
            }
        }
        var newest = versions.Length > 0 ? versions[0].Key : 0;
        var older = pool.Where(s => s.Version == newest).SelectMany(s => s.OlderVersions).Where(v => pool.All(p => p.Version != v)).DefaultIfEmpty().Max();
        var failure = corrupt.Count > 0
            ? new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"The shares of '{name}' do not recover the secret: fewer than {t} nodes gave right shares (suspect: {Describe(corrupt.Distinct())}; unreachable: {Describe(unreachable)}).", [.. corrupt.Distinct()])
            : new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"Only {pool.Count} of {answers.Length} nodes returned a share of '{name}', {t} are needed (unreachable: {Describe(unreachable)}). Bring nodes back and retry.", unreachable);
        return new CombineAttempt(null, older == 0 ? null : older, straddling, failure);
    }

    private sealed record CombineAttempt(RecoverResult? Result, ulong? OlderVersion, bool Straddling, FleetClientException? Failure);
}
