using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecretFleet.Core.Client;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Adversarial;

/// <summary>
/// A real node process of the test-only adversary build, with a genuine certificate, deals
/// dishonestly in a real refresh: the refresh aborts, that node and only that node is named, and
/// every secret stays readable at the old epoch with its old shares.
/// </summary>
[Trait("Category", "Adversarial")]
public sealed class CheatingDealerTests
{
    [Theory]
    [InlineData("flip-sub-share")] // inconsistent sub-shares with matching digests: the batch check catches it
    [InlineData("skip-pair")] // one secret left out, to keep its shares unrefreshed: the agreed snapshot catches it
    [InlineData("two-stories")] // one receiver shown other digests and a matching polynomial: the transcript comparison catches it
    public async Task A_cheating_dealer_makes_the_refresh_abort_is_named_and_the_old_epoch_stays(string cheat)
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3, cheater: 4, cheat: cheat);
        var client = fleet.Client();
        var secrets = new ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), async (i, ct) =>
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            await client.StoreAsync($"s-{i}", secret, null, ct);
            secrets[$"s-{i}"] = secret;
        });
        var before = Enumerable.Range(1, 5).Select(x => NodeDatabase.OpenedShares(fleet, (byte)x)).ToArray();
        using var operations = fleet.Operations();

        var outcome = await fleet.Coordinator(operations).RefreshAsync(fleet.View, null, default);

        Assert.False(outcome.Committed);
        Assert.Equal([(byte)4], outcome.Culprits);
        Assert.Contains("x 4", outcome.Reason);
        Assert.Equal(before, Enumerable.Range(1, 5).Select(x => NodeDatabase.OpenedShares(fleet, (byte)x)).ToArray());
        Assert.All(await client.StatusAsync(default), node => Assert.Equal(0UL, node.Epoch));
        var reader = fleet.Client(configure: o => o with { RecoverReads = RecoverReads.AllNodes });
        foreach (var (name, secret) in secrets)
        {
            var recovered = await reader.RecoverAsync(name, default);
            Assert.Equal(secret, recovered.Secret);
            Assert.Empty(recovered.BadXs);
        }
    }
}
