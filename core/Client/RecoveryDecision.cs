using Grpc.Core;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Client;

/// <summary>
/// The full read's decision (docs/protocol.md, "Storing and recovering a secret"), a pure function
/// of the answers. Shares are grouped by (version, epoch, commitment, length); the newest version
/// with a group of t that reconstructs its commitment wins, combined robustly. A node is named
/// bad only on proof: an answer no honest node sends, DATA_LOSS, a share off the polynomial that
/// reconstructed the commitment, or a share of the winning version whose commitment or length
/// contradicts the verified one. A share of that version in another epoch proves nothing (an
/// honest node mid-commit sends one) and is neither used nor named. A group that fails to
/// combine names nobody either: with exactly t shares, which one is wrong cannot be told.
/// </summary>
internal static class RecoveryDecision
{
    public static RecoveryOutcome Decide(string name, int threshold, int nodeCount, IReadOnlyList<ShareRead> reads)
    {
        var unreachable = reads.SelectMany(r => r.Unreachable).Distinct().Order().ToArray();
        var bad = new SortedSet<byte>(reads.SelectMany(r => r.Malformed).Concat(reads.SelectMany(r => r.Corrupt)));
        // A node caught sending one impossible answer is trusted with none of its others. A node
        // asked twice for a version it holds (its newest, asked again as an older one) counts once.
        var shares = reads.SelectMany(r => r.Shares).Where(s => !bad.Contains(s.X)).DistinctBy(s => (s.X, s.Version)).ToList();
        var inconsistent = new SortedSet<byte>();
        var straddling = (ulong[]?)null;
        foreach (var version in shares.GroupBy(s => s.Version).OrderByDescending(v => v.Key))
        {
            var groups = version.GroupBy(s => (s.Epoch, Commitment: Convert.ToHexString(s.Commitment), s.Value.Length))
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key.Epoch).ThenBy(g => g.Key.Commitment, StringComparer.Ordinal).ThenBy(g => g.Key.Length);
            foreach (var group in groups.Where(g => g.Count() >= threshold))
            {
                var members = group.OrderBy(s => s.X).ToArray();
                if (Combine(members, threshold) is { Succeeded: true } combined)
                {
                    bad.UnionWith(combined.BadXs);
                    bad.UnionWith(version.Where(s => !s.SameContent(members[0])).Select(s => s.X));
                    var used = members.Select(s => s.X).Except(combined.BadXs).Order().ToArray();
                    return new RecoveryOutcome(new RecoverResult(name, combined.Secret, version.Key, group.Key.Epoch, used, [.. bad], unreachable), [], false, null);
                }
                inconsistent.UnionWith(members.Select(s => s.X));
            }
            // Enough shares of this version in more than one epoch, none combining: nodes are
            // mid-commit. Falling back to an older version now could return a stale secret.
            var epochs = version.Select(s => s.Epoch).Distinct().Order().ToArray();
            if (version.Count() >= threshold && epochs.Length > 1)
            {
                straddling = epochs;
                break;
            }
        }
        if (straddling is not null)
        {
            return new RecoveryOutcome(null, [], true, new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"The shares of '{name}' are split between epochs {string.Join(" and ", straddling)} (an epoch change is finishing) and no epoch has {threshold} that agree ({Details(bad, unreachable)}); retry in a moment.",
                [.. bad.Union(unreachable).Order()]));
        }
        return new RecoveryOutcome(null, OlderReads(shares, reads), false, Failure(name, threshold, nodeCount, reads, shares, bad, inconsistent, unreachable));
    }

    private static RobustCombineResult? Combine(NodeShare[] members, int threshold)
    {
        try
        {
            return Shamir.CombineRobust([.. members.Select(s => new ShareValue(s.X, s.Value))], members[0].Commitment, threshold);
        }
        catch (SharingException)
        {
            // Only a payload that t shares and their own commitment agree on, yet not laid out as
            // a client lays it out: t nodes colluding (or t = 1). Not this secret, whatever it is.
            return null;
        }
    }

    /// <summary>
    /// The older versions nodes say they still hold (a failed overwrite keeps the previous one) and
    /// have not given yet, each with the nodes to ask. Asked for once, all in one round; a node's
    /// list is cut to its two newest, as an honest node keeps only one.
    /// </summary>
    private static IReadOnlyList<OlderRead> OlderReads(List<NodeShare> shares, IReadOnlyList<ShareRead> reads) =>
        [.. shares
            .SelectMany(s => s.OlderVersions.Order().TakeLast(2).Select(v => (s.X, Version: v)))
            .Where(p => !shares.Exists(s => s.X == p.X && s.Version == p.Version) && reads.All(r => r.AskedVersion != p.Version))
            .GroupBy(p => p.Version)
            .OrderByDescending(g => g.Key)
            .Select(g => new OlderRead(g.Key, [.. g.Select(p => p.X).Distinct().Order()]))];

    private static FleetClientException Failure(string name, int t, int n, IReadOnlyList<ShareRead> reads, List<NodeShare> shares,
        SortedSet<byte> bad, SortedSet<byte> inconsistent, byte[] unreachable)
    {
        var newest = reads[0].Answers;
        var notFound = newest.Count(a => a.Is(StatusCode.NotFound));
        var holders = shares.Select(s => s.X).Distinct().Count();
        var named = (IReadOnlyList<byte>)[.. bad.Union(unreachable).Order()];
        // More than n − t nodes say they hold nothing: fewer than t can hold it, so it is not
        // stored (a lone share is a failed store's leftover, or a lying node's invention).
        if ((holders == 0 && notFound > 0 && unreachable.Length < newest.Count / 2 + 1) || (holders > 0 && notFound > n - t))
        {
            return new FleetClientException(FleetErrorKind.NotFound, $"No secret named '{name}'; `kubectl secrets list` shows what is stored.", [.. bad]);
        }
        if (holders == 0 && newest.FirstOrDefault(a => a.Is(StatusCode.PermissionDenied)) is { } denied)
        {
            // Nodes answer NOT_FOUND for another client's secret too; PERMISSION_DENIED means this
            // certificate may not make the call at all, and the node's words say why.
            return new FleetClientException(FleetErrorKind.PermissionDenied, $"Node x {denied.Node.X} refused the read: {denied.Detail}", named);
        }
        if (holders == 0)
        {
            return new FleetClientException(FleetErrorKind.NotEnoughNodes, $"No node returned a usable share of '{name}' ({Details(bad, unreachable)}); bring nodes back and retry.", named);
        }
        // Members of a group that failed are not listed: most of them may be right, and which are
        // not cannot be told from so few shares.
        return inconsistent.Except(bad).Any()
            ? new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"The shares of '{name}' do not recover the secret: fewer than {t} nodes gave right shares, and too few answered to tell which are wrong ({Details(bad, unreachable)}). Bring nodes back and retry.", named)
            : new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"Only {holders} of {n} nodes returned a usable share of '{name}', {t} are needed ({Details(bad, unreachable)}). Bring nodes back and retry.", named);
    }

    private static string Details(IReadOnlyCollection<byte> bad, byte[] unreachable) =>
        (bad.Count > 0 ? $"wrong answers from {NodeIndex.Describe(bad)}; " : "")
        + $"unreachable: {(unreachable.Length > 0 ? NodeIndex.Describe(unreachable) : "none")}";
}

/// <summary>What a full read decided: a result, or a failure with what to try next.</summary>
internal sealed record RecoveryOutcome(RecoverResult? Result, IReadOnlyList<OlderRead> Older, bool Straddling, FleetClientException? Failure);

/// <summary>An older version to ask for, and the nodes that say they hold it.</summary>
internal sealed record OlderRead(ulong Version, IReadOnlyList<byte> Nodes);
