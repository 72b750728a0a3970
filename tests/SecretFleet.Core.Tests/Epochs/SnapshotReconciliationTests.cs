using System.Security.Cryptography;
using Google.Protobuf;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Tests.Epochs;

/// <summary>The coordinator's side of the agreed snapshot: what each dealer is told it lacks, and which dealer is named when its answers are malformed.</summary>
[Trait("Category", "Unit")]
public sealed class SnapshotReconciliationTests
{
    private static readonly FleetMember[] Dealers = [.. Enumerable.Range(1, 3).Select(x => new FleetMember((byte)x, new Uri($"https://10.0.0.{x}:7443"), $"n{x}", new FleetIdentity("t.local", FleetRole.Node, $"node-{x - 1}")))];

    [Fact]
    public async Task Equal_snapshots_need_no_pairs_fetched_and_nobody_lacks_anything()
    {
        var common = Entries(50);
        var nodes = new FakeDealers(common, common, common);

        var missing = await SnapshotReconciliation.MissingAsync(nodes, "op", Dealers, nodes.Begun(), default);

        Assert.All(missing.Values, Assert.Empty);
        Assert.Equal(0, nodes.PageCalls);
    }

    [Fact]
    public async Task Each_dealer_is_told_exactly_the_union_entries_it_lacks_fetched_from_differing_buckets_only()
    {
        var common = Entries(400);
        var onlyOnOne = Entries(3);
        var otherLength = common[7] with { Blocks = common[7].Blocks + 1 };
        var nodes = new FakeDealers([.. common, .. onlyOnOne], [.. common.Where((_, i) => i != 20)], [.. common.Where((_, i) => i != 7), otherLength]);

        var missing = await SnapshotReconciliation.MissingAsync(nodes, "op", Dealers, nodes.Begun(), default);

        Assert.Equal(Sorted([otherLength]), missing[1]);
        Assert.Equal(Sorted([.. onlyOnOne, common[20], otherLength]), missing[2]);
        Assert.Equal(Sorted([.. onlyOnOne, common[7]]), missing[3]);
        List<SnapshotEntry> differing = [.. onlyOnOne, common[7], common[20]];
        var touched = differing.Select(e => SnapshotBuckets.Of(e.Key)).ToHashSet();
        Assert.All(nodes.AskedBuckets, bucket => Assert.Contains(bucket, touched));
    }

    [Fact]
    public async Task Pairs_are_collected_across_pages()
    {
        var common = Entries(300);
        var nodes = new FakeDealers(common, common, [.. common.Where((_, i) => i % 3 != 0)]) { PageSize = 7 };

        var missing = await SnapshotReconciliation.MissingAsync(nodes, "op", Dealers, nodes.Begun(), default);

        Assert.Equal(common.Where((_, i) => i % 3 == 0), missing[3]);
        Assert.True(nodes.PageCalls > 3);
    }

    [Fact]
    public async Task A_dealer_with_a_malformed_summary_is_named()
    {
        var common = Entries(10);
        var nodes = new FakeDealers(common, common, common);
        var begun = nodes.Begun();
        begun[2] = new BeginResponse { BucketDigests = ByteString.CopyFrom(new byte[31]) };

        var error = await Assert.ThrowsAsync<SnapshotDisagreementException>(() => SnapshotReconciliation.MissingAsync(nodes, "op", Dealers, begun, default));

        Assert.Equal(2, error.X);
        Assert.Equal(SnapshotDisagreementException.Misbehaved, error.Code);
    }

    [Fact]
    public async Task A_dealer_answering_with_pairs_of_buckets_it_was_not_asked_for_is_named()
    {
        var common = Entries(100);
        var nodes = new FakeDealers(common, [.. common.Skip(1)], common) { Liar = 3 };

        var error = await Assert.ThrowsAsync<SnapshotDisagreementException>(() => SnapshotReconciliation.MissingAsync(nodes, "op", Dealers, nodes.Begun(), default));

        Assert.Equal(3, error.X);
    }

    [Fact]
    public async Task Snapshots_too_far_apart_for_one_operation_abort_it_without_blaming_a_node()
    {
        var many = Entries(SnapshotReconciliation.MaxMissingPerDealer + 1);
        var nodes = new FakeDealers(many, many, []) { PageSize = 100_000 };

        var error = await Assert.ThrowsAsync<SnapshotDisagreementException>(() => SnapshotReconciliation.MissingAsync(nodes, "op", Dealers, nodes.Begun(), default));

        Assert.Equal("snapshots-diverge", error.Code);
        Assert.Contains("x 3", error.Message, StringComparison.Ordinal);
    }

    private static List<SnapshotEntry> Entries(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new SnapshotEntry(RandomNumberGenerator.GetBytes(16), (ulong)RandomNumberGenerator.GetInt32(1, 1000), RandomNumberGenerator.GetInt32(1, 9))).Order()];

    private static List<SnapshotEntry> Sorted(IEnumerable<SnapshotEntry> entries) => [.. entries.Order()];

    /// <summary>Dealers with given snapshots, answering SnapshotPairs a page at a time as nodes do.</summary>
    private sealed class FakeDealers(params List<SnapshotEntry>[] snapshots) : INodeOperations
    {
        public int PageSize { get; init; } = 1000;

        public byte Liar { get; init; }

        public int PageCalls { get; private set; }

        public HashSet<int> AskedBuckets { get; } = [];

        public Dictionary<byte, BeginResponse> Begun() => Enumerable.Range(0, snapshots.Length).ToDictionary(i => (byte)(i + 1), i => new BeginResponse { BucketDigests = ByteString.CopyFrom(Digests(Sorted(snapshots[i]))) });

        public Task<SnapshotPairsResponse> SnapshotPairsAsync(FleetMember node, SnapshotPairsRequest request, CancellationToken cancellationToken)
        {
            PageCalls++;
            AskedBuckets.UnionWith(request.Buckets.Select(b => (int)b));
            var asked = request.Buckets.Select(b => (int)b).ToHashSet();
            var inBuckets = Sorted(snapshots[node.X - 1]).Where(e => node.X == Liar || asked.Contains(SnapshotBuckets.Of(e.Key))).ToList();
            var page = inBuckets.Skip((int)request.Cursor).Take(PageSize).ToList();
            var (records, blocks) = SnapshotEntry.Encode(page);
            var next = request.Cursor + (ulong)page.Count;
            return Task.FromResult(new SnapshotPairsResponse { PairKeys = ByteString.CopyFrom(records), PairBlocks = ByteString.CopyFrom(blocks), NextCursor = next, Last = next >= (ulong)inBuckets.Count });
        }

        private static byte[] Digests(List<SnapshotEntry> entries)
        {
            var digests = new byte[SnapshotBuckets.Count * SnapshotBuckets.DigestBytes];
            for (var bucket = 0; bucket < SnapshotBuckets.Count; bucket++)
            {
                var (records, blocks) = SnapshotEntry.Encode([.. entries.Where(e => SnapshotBuckets.Of(e.Key) == bucket)]);
                SHA256.HashData([.. records, .. blocks]).CopyTo(digests, bucket * SnapshotBuckets.DigestBytes);
            }
            return digests;
        }

        public Task<InfoResponse> InfoAsync(FleetMember node, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JoinResponse> JoinAsync(FleetMember node, JoinRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BeginResponse> BeginAsync(FleetMember node, BeginRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task VerifyAsync(FleetMember node, VerifyRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OperationStatusResponse> StatusAsync(FleetMember node, string operationId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CommitResponse> CommitAsync(FleetMember node, string operationId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AbortResponse> AbortAsync(FleetMember node, AbortRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
