using System.Security.Cryptography;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>A dealer's batches as receivers pull them.</summary>
[Trait("Category", "Unit")]
public sealed class DealerSessionTests
{
    [Fact]
    public async Task A_bogus_batch_number_does_not_make_the_dealer_drop_a_batch_a_receiver_still_needs()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        using var dealer = await DealerOfAsync(fleet, secrets: 60, "refresh-bogus");

        var first = await dealer.DealAsync(2, 0, CancellationToken.None);
        await dealer.DealAsync(1, 0, CancellationToken.None);
        await dealer.DealAsync(3, 0, CancellationToken.None);
        var bogus = await Assert.ThrowsAsync<OperationRejectedException>(() => dealer.DealAsync(2, 1_000_000, CancellationToken.None));
        await dealer.DealAsync(1, 1, CancellationToken.None);
        await dealer.DealAsync(3, 1, CancellationToken.None);
        // Receiver 2 lost its answer to batch 0 and asks again: the very same batch must still be there.
        var again = await dealer.DealAsync(2, 0, CancellationToken.None);

        Assert.Equal(OperationRejection.InvalidArgument, bogus.Reason);
        Assert.Equal(first.IdsHash, again.IdsHash);
        Assert.Equal(first.Values, again.Values);
    }

    [Fact]
    public async Task A_receiver_a_window_ahead_of_the_slowest_is_told_not_ready_instead_of_waiting_past_its_deadline()
    {
        await using var fleet = await InProcessFleet.StartAsync(n: 3, threshold: 2);
        // More than a window of batches at the smallest batch size.
        using var dealer = await DealerOfAsync(fleet, secrets: 160, "refresh-ahead", windowPatience: TimeSpan.FromMilliseconds(200));

        await dealer.DealAsync(1, 0, CancellationToken.None);
        await dealer.DealAsync(3, 0, CancellationToken.None);
        for (ulong batch = 0; batch < DealerSession.Window; batch++)
        {
            Assert.False((await dealer.DealAsync(2, batch, CancellationToken.None)).NotReady);
        }
        // Receivers 1 and 3 are still at batch 0, so the window is full: receiver 2 must not hang.
        var ahead = await dealer.DealAsync(2, DealerSession.Window, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await dealer.DealAsync(1, 1, CancellationToken.None);
        await dealer.DealAsync(3, 1, CancellationToken.None);
        var served = await dealer.DealAsync(2, DealerSession.Window, CancellationToken.None);

        Assert.True(ahead.NotReady);
        Assert.True(ahead.Values.IsEmpty && ahead.IdsHash.IsEmpty);
        Assert.False(served.NotReady);
        Assert.Equal((ulong)DealerSession.Window, served.Batch);
        Assert.False(served.Values.IsEmpty);
    }

    // Node x 1's dealing of a refresh of `secrets` new secrets, in batches of 64 blocks (the smallest), agreed with nothing missing.
    private static async Task<DealerSession> DealerOfAsync(InProcessFleet fleet, int secrets, string operationId, TimeSpan? windowPatience = null)
    {
        for (var i = 0; i < secrets; i++)
        {
            await fleet.StoreAsync($"s-{i}", RandomNumberGenerator.GetBytes(32));
        }
        var begin = RefreshBegins.Of(fleet.View, operationId, batchBlocks: 64);
        var record = OperationRequests.ToRecord(begin, fleet[1].Store.State, InProcessFleet.NodeIdentity(1));
        var store = new OperationStore(fleet[1].Store);
        await store.BeginAsync(record, "test", CancellationToken.None);
        var dealer = new DealerSession(record, 1, store, tamper: null, windowPatience);
        dealer.Agree([]);
        return dealer;
    }
}
