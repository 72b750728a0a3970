using System.Security.Cryptography;
using SecretFleet.Core.Epochs;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>A dealer's snapshot as the coordinator's reconciliation reads it: bucket digests, and pairs of chosen buckets a page at a time.</summary>
[Trait("Category", "Unit")]
public sealed class SnapshotSummaryTests
{
    [Fact]
    public async Task Pages_of_chosen_buckets_return_exactly_their_pairs_in_order_whatever_the_page_size()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        for (var i = 0; i < 120; i++)
        {
            await fleet.StoreAsync($"s-{i}", RandomNumberGenerator.GetBytes(32));
        }
        var store = new OperationStore(fleet[1].Store);
        var begin = RefreshBegins.Of(fleet.View, "refresh-pages");
        await store.BeginAsync(OperationRequests.ToRecord(begin, fleet[1].Store.State, InProcessFleet.NodeIdentity(1)), "test", CancellationToken.None);
        var summary = await store.SummarizeSnapshotAsync(CancellationToken.None);
        var everything = await store.ReadSnapshotRangeAsync(0, long.MaxValue, 1000, CancellationToken.None);
        var buckets = everything.Select(p => SnapshotBuckets.Of(p.Key)).Distinct().Where((_, i) => i % 3 != 1).Order().ToArray();
        var expected = everything.Where(p => buckets.Contains(SnapshotBuckets.Of(p.Key))).Select(p => new SnapshotEntry(p.Key, p.Version, p.Blocks)).ToList();

        foreach (var pageSize in new[] { 1, 7, 1000 })
        {
            var read = new List<SnapshotEntry>();
            long cursor = 0;
            for (var pages = 0; ; pages++)
            {
                Assert.True(pages <= expected.Count, "the pages did not end");
                var page = await summary.PageAsync(store, buckets, cursor, CancellationToken.None, pageSize);
                read.AddRange(SnapshotEntry.Decode(page.PairKeys.Span, page.PairBlocks.Span)!);
                cursor = (long)page.NextCursor;
                if (page.Last)
                {
                    break;
                }
            }
            Assert.Equal(expected, read);
        }
        Assert.Equal(SnapshotBuckets.Count * SnapshotBuckets.DigestBytes, summary.Digests.Length);
    }
}
