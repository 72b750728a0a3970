using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Client;

public sealed partial class FleetClient
{
    /// <summary>
    /// Reads the shares (from a read quorum first, see <see cref="RecoverReads"/>), groups the
    /// answers by (version, epoch, commitment, length) and combines the newest group that holds at
    /// least t shares. Every share is placed at the x of the node dialled, whatever x the node
    /// reports; an answer no honest node sends counts as that node's wrong share. With more than t
    /// shares, wrong ones are found and named; a node is named only on proof. While nodes straddle
    /// an epoch change it retries briefly; when the newest version is held by fewer than t nodes
    /// (a failed overwrite) it falls back to the version before. The share bytes received are
    /// zeroed before this returns.
    /// </summary>
    public async Task<RecoverResult> RecoverAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        var time = _options.TimeProvider;
        var deadline = time.GetUtcNow() + _options.EpochSettleTimeout;
        var reads = new List<ShareRead>();
        try
        {
            var answers = (NodeAnswer<GetShareResponse>[]?)null;
            if (_options.RecoverReads == RecoverReads.Quorum && _channels.PickQuorum(QuorumSize) is { } quorum)
            {
                var read = await ReadQuorumAsync(name, quorum, reads, cancellationToken).ConfigureAwait(false);
                if (read.Result is { } agreed)
                {
                    return agreed;
                }
                answers = read.Answers;
            }
            while (true)
            {
                answers ??= await GetAllAsync(_channels.Nodes, name, 0, cancellationToken).ConfigureAwait(false);
                var attempt = new List<ShareRead> { Track(reads, new ShareRead(name, 0, _options.Threshold, answers)) };
                var outcome = RecoveryDecision.Decide(name, _options.Threshold, _channels.Nodes.Count, attempt);
                if (outcome.Result is null && outcome.Older.Count > 0)
                {
                    var previous = await Task.WhenAll(outcome.Older.Select(older =>
                        GetAllAsync(_channels.Nodes.Where(n => older.Nodes.Contains(n.X)), name, older.Version, cancellationToken))).ConfigureAwait(false);
                    attempt.AddRange(previous.Select((got, i) => Track(reads, new ShareRead(name, outcome.Older[i].Version, _options.Threshold, got))));
                    outcome = RecoveryDecision.Decide(name, _options.Threshold, _channels.Nodes.Count, attempt);
                }
                if (outcome.Result is { } result)
                {
                    return result;
                }
                if (!outcome.Straddling || time.GetUtcNow() >= deadline)
                {
                    throw Reshared(name, answers) ?? outcome.Failure!;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
                answers = null;
            }
        }
        finally
        {
            foreach (var read in reads)
            {
                read.Dispose();
            }
        }
    }

    // Shares of another threshold, each from the x dialled: the fleet was reshared since this client
    // read its shape, which is not the nodes' fault (a lying node can only turn one failure into another).
    private FleetClientException? Reshared(string name, NodeAnswer<GetShareResponse>[] answers) =>
        answers.FirstOrDefault(a => a.Response is { } r && r.X == a.Node.X && r.Threshold != (uint)_options.Threshold) is { } other
            ? new FleetClientException(FleetErrorKind.Resharing,
                $"Node x {other.Node.X} holds '{name}' at threshold {other.Response!.Threshold}, not {_options.Threshold}: the fleet was reshared since this client read its shape. Retry with the fleet's current shape.")
            : null;

    private static ShareRead Track(List<ShareRead> reads, ShareRead read)
    {
        reads.Add(read);
        return read;
    }

    // q nodes leave n − q < t unasked, so any version that t nodes hold shows up in the quorum.
    private int QuorumSize => Math.Max(_options.Threshold, _channels.Nodes.Count - _options.Threshold + 1);

    /// <summary>
    /// Asks the quorum. When every answer is a well-formed share of the same version, epoch,
    /// commitment and length and the shares reconstruct the committed secret, that is the result.
    /// Otherwise the other nodes are asked too and all answers are returned for the full decision.
    /// </summary>
    private async Task<(RecoverResult? Result, NodeAnswer<GetShareResponse>[] Answers)> ReadQuorumAsync(string name, FleetMember[] quorum, List<ShareRead> reads, CancellationToken cancellationToken)
    {
        var answers = await GetAllAsync(quorum, name, 0, cancellationToken).ConfigureAwait(false);
        if (Agreed(name, Track(reads, new ShareRead(name, 0, _options.Threshold, answers))) is { } result)
        {
            return (result, answers);
        }
        var rest = await GetAllAsync(_channels.Nodes.Except(quorum), name, 0, cancellationToken).ConfigureAwait(false);
        return (null, [.. answers.Concat(rest).OrderBy(a => a.Node.X)]);
    }

    private RecoverResult? Agreed(string name, ShareRead read)
    {
        if (read.Shares.Count != read.Answers.Count)
        {
            return null;
        }
        var first = read.Shares[0];
        if (!read.Shares.All(s => s.Version == first.Version && s.Epoch == first.Epoch && s.SameContent(first)))
        {
            return null;
        }
        var combined = Shamir.CombineRobust([.. read.Shares.OrderBy(s => s.X).Select(s => new ShareValue(s.X, s.Value))], first.Commitment, _options.Threshold);
        if (!combined.Succeeded)
        {
            return null;
        }
        if (combined.BadXs.Count > 0)
        {
            // The full read names the wrong node; this copy of the secret is not handed out.
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(combined.Secret);
            return null;
        }
        return new RecoverResult(name, combined.Secret, first.Version, first.Epoch, [.. read.Shares.Select(s => s.X).Order()], [], []);
    }

    private Task<NodeAnswer<GetShareResponse>[]> GetAllAsync(IEnumerable<FleetMember> nodes, string name, ulong version, CancellationToken cancellationToken) =>
        _channels.FanOutAsync(nodes, node => _channels.GetAsync(node, new GetShareRequest { Name = name, Version = version }, cancellationToken), cancellationToken);
}
