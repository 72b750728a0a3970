using SecretFleet.Core.Epochs;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Adversarial;

/// <summary>
/// Resharing dealers that lie in what every dealer must send alike (the digests behind the common
/// challenge, the pairs digest), each arranged so that naming "the dealer that differs from the
/// first" would name an honest node. Receivers must name the liar, and the old committee stays.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LyingResharingDealerTests
{
    private static Task<OperationOutcome> ReshareWithAsync(byte cheater, IDealerTamper cheat) =>
        ReshareWithAsync(new Dictionary<byte, IDealerTamper> { [cheater] = cheat });

    private static async Task<OperationOutcome> ReshareWithAsync(IReadOnlyDictionary<byte, IDealerTamper> cheats)
    {
        await using var fleet = await InProcessFleet.StartAsync(5, 3, cheats);
        var secrets = await fleet.SeedAsync(40);

        var outcome = await fleet.ReshareAsync(3, 2);

        Assert.False(outcome.Committed);
        Assert.Equal(3, fleet.Threshold);
        foreach (var (name, secret) in secrets)
        {
            Assert.Equal(secret, await fleet.RecoverAsync(name, 2, 3, 4));
        }
        foreach (var x in new byte[] { 1, 2, 3, 4, 5 })
        {
            Assert.Equal(0UL, fleet[x].Store.State.Epoch);
            Assert.True(fleet[x].Store.State.IsMember);
        }
        return outcome;
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 1)]
    public async Task A_dealer_that_signs_other_digests_for_one_dealer_is_named_not_the_dealer_it_lied_to(byte cheater, byte toldOtherwise)
    {
        var outcome = await ReshareWithAsync(cheater, new TwoSignedRows(toldOtherwise));

        Assert.Equal([cheater], outcome.Culprits);
        Assert.Contains("signed two different lists of digests", outcome.Reason);
    }

    [Fact]
    public async Task A_dealer_that_alters_another_dealers_digests_on_their_way_to_receivers_is_named()
    {
        // Dealer x 1's responses come first, so the dealer "differing from the first" is an honest one.
        var outcome = await ReshareWithAsync(1, new AlteredForwardedRow(ofDealerIndex: 2));

        Assert.Equal([(byte)1], outcome.Culprits);
        Assert.Contains("do not carry x 3's signature", outcome.Reason);
    }

    [Fact]
    public async Task A_dealer_that_serves_other_dealers_unsigned_digests_is_named_by_them_before_anyone_passes_them_on()
    {
        var outcome = await ReshareWithAsync(3, new UnsignedRowForDealers());

        Assert.Equal([(byte)3], outcome.Culprits);
        Assert.Contains("do not carry its signature", outcome.Reason);
    }

    [Fact]
    public async Task A_first_dealer_alone_with_another_pairs_digest_is_outvoted_by_the_t_dealers_that_agree()
    {
        var outcome = await ReshareWithAsync(1, new OtherPairsDigest());

        Assert.Equal([(byte)1], outcome.Culprits);
        Assert.Contains("description of the pairs differ from what 4 other dealers sent", outcome.Reason);
    }

    [Fact]
    public async Task Two_colluding_dealers_that_send_the_same_other_pairs_digest_are_outvoted_by_the_three_honest_ones()
    {
        // Fewer than t = 3 lie, so the three honest dealers are t that agree; before, x 3 was named
        // for differing from the first dealer.
        var outcome = await ReshareWithAsync(new Dictionary<byte, IDealerTamper> { [1] = new OtherPairsDigest(), [2] = new OtherPairsDigest() });

        Assert.Equal([(byte)1], outcome.Culprits);
        Assert.Contains("differ from what 3 other dealers sent", outcome.Reason);
    }
}
