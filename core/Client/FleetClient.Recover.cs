using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Client;

public sealed partial class FleetClient
{
    /// <summary>
    /// Asks every node for its share, groups the answers by (version, epoch, commitment) and
    /// combines the newest group that holds at least t shares. With more than t shares, wrong
    /// ones are found and named. While nodes straddle an epoch change it retries briefly; when
    /// the newest version is held by fewer than t nodes (a failed overwrite) it falls back to
    /// the version before.
    /// </summary>
    public async Task<RecoverResult> RecoverAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        var time = _options.TimeProvider;
        var deadline = time.GetUtcNow() + _options.EpochSettleTimeout;
        while (true)
        {
            var answers = await _channels.FanOutAsync(SharesService, "Get", _ => new GetShareRequest { Name = name }, GetShareResponse.Parser, cancellationToken).ConfigureAwait(false);
            ThrowIfNothingUsable(name, answers);
            var pool = answers.Where(a => a.Ok).Select(a => a.Response!).ToList();
            var attempt = TryCombine(name, pool, answers);
            if (attempt.Result is null && attempt.OlderVersion is { } older)
            {
                var previous = await _channels.FanOutAsync(SharesService, "Get", _ => new GetShareRequest { Name = name, Version = older }, GetShareResponse.Parser, cancellationToken).ConfigureAwait(false);
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
        }
    }

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
