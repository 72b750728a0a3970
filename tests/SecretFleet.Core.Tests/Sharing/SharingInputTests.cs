using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

/// <summary>Every bad input is a <see cref="SharingException"/> whose message names what is wrong.</summary>
[Trait("Category", "Unit")]
public sealed class SharingInputTests
{
    private static readonly SplitResult Split35 = Shamir.Split("input tests"u8, 3, 5);

    [Theory]
    [InlineData(0, 3, "threshold 0 is below 1")]
    [InlineData(-1, 3, "threshold -1 is below 1")]
    [InlineData(4, 3, "threshold 4 is above shareCount 3")]
    [InlineData(3, 256, "shareCount 256 is above 255")]
    public void Split_rejects_bad_thresholds_and_counts(int t, int n, string message)
    {
        var e = Assert.Throws<SharingException>(() => Shamir.Split("x"u8, t, n));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Split_rejects_empty_and_oversized_secrets()
    {
        Assert.Contains("The secret is empty", Assert.Throws<SharingException>(() => Shamir.Split([], 2, 3)).Message);
        var big = new byte[SecretLayout.DefaultMaxSecretBytes + 1];
        Assert.Contains("65537 bytes, above the limit of 65536", Assert.Throws<SharingException>(() => Shamir.Split(big, 2, 3)).Message);
        Assert.Contains("11 bytes, above the limit of 10", Assert.Throws<SharingException>(() => Shamir.Split(new byte[11], 2, 3, maxSecretBytes: 10)).Message);
        Assert.Contains("maxSecretBytes 0", Assert.Throws<SharingException>(() => Shamir.Split(new byte[1], 2, 3, maxSecretBytes: 0)).Message);
    }

    [Fact]
    public void Split_and_deal_refuse_work_too_large_for_one_buffer()
    {
        var huge = new byte[SecretLayout.MaxConfigurableSecretBytes];
        Assert.Contains("needs more random coefficients", Assert.Throws<SharingException>(() => Shamir.Split(huge, 255, 255, huge.Length)).Message);
        Assert.Contains("blockCount 16777216", Assert.Throws<SharingException>(() => DealtBatch.Deal(255, [1, 2], 0, BatchCheck.MaxBlocks)).Message);
    }

    [Fact]
    public void Combine_rejects_duplicate_and_zero_x()
    {
        var s = Split35.Shares;
        Assert.Contains("duplicate x 3", Combine([s[2], s[0], s[2]], 3).Message);
        Assert.Contains("x = 0", Combine([s[0], s[1], new ShareValue(0, s[2].Value)], 3).Message);
    }

    [Fact]
    public void Combine_rejects_mixed_lengths_partial_blocks_and_too_few_shares()
    {
        var s = Split35.Shares;
        var longer = new ShareValue(3, new byte[s[2].Value.Length + 16]);
        Assert.Contains("mixed length", Combine([s[0], s[1], longer], 3).Message);
        Assert.Contains("whole number of 16-byte blocks", Combine([s[0], s[1], new ShareValue(3, new byte[50])], 3).Message);
        Assert.Contains("Only 2 shares for threshold 3", Combine([s[0], s[1]], 3).Message);
        Assert.Contains("threshold 0 is below 1", Combine([s[0]], 0).Message);
    }

    [Fact]
    public void Combine_rejects_a_commitment_that_is_not_sha256_sized_or_does_not_match()
    {
        var s = Split35.Shares;
        Assert.Contains("commitment is 31 bytes", Assert.Throws<SharingException>(() => Shamir.Combine(s, new byte[31], 3)).Message);
        Assert.Contains("commitment mismatch", Assert.Throws<SharingException>(() => Shamir.Combine(s, new byte[32], 3)).Message);
        Assert.Contains("commitment is 0 bytes", Assert.Throws<SharingException>(() => Shamir.CombineRobust(s, [], 3)).Message);
    }

    [Fact]
    public void An_empty_batch_deals_only_the_mask_and_still_catches_a_wrong_one()
    {
        using var dealt = DealtBatch.Deal(3, [1, 2, 3], 0, 0);
        var digests = Enumerable.Range(0, 3).Select(dealt.DigestFor).ToArray();
        var challenge = BatchCheck.Challenge("ctx"u8, new byte[32], digests);
        var combined = dealt.CombinedCoefficients(challenge);
        var tampered = dealt.MaskFor(1).ToArray();
        tampered[0] ^= 1;

        Assert.True(dealt.ValuesFor(0).IsEmpty);
        Assert.All(Enumerable.Range(0, 3), j => Assert.True(BatchCheck.Verify(3, (byte)(j + 1), 0, dealt.ValuesFor(j), dealt.MaskFor(j), challenge, combined)));
        Assert.False(BatchCheck.Verify(3, 2, 0, [], tampered, challenge, combined));
    }

    [Fact]
    public void Refresh_and_recovery_reject_mismatched_inputs()
    {
        Assert.Contains("delta is 32 bytes and the share 48", Assert.Throws<SharingException>(() => Refresh.AddInto(new byte[48], new byte[32])).Message);
        Assert.Contains("blockCount -1", Assert.Throws<SharingException>(() => DealtBatch.Deal(3, [1, 2, 3], 0, -1)).Message);
        Assert.Contains("Receiver x 2 equals zeroAt", Assert.Throws<SharingException>(() => DealtBatch.Deal(3, [1, 2, 3], 2, 1)).Message);
        Assert.Contains("duplicate x 1", Assert.Throws<SharingException>(() => DealtBatch.Deal(3, [1, 1, 3], 0, 1)).Message);
        Assert.Contains("threshold 0", Assert.Throws<SharingException>(() => DealtBatch.Deal(0, [1, 2], 0, 1)).Message);
        Assert.Contains("receiver list is empty", Assert.Throws<SharingException>(() => DealtBatch.Deal(2, [], 0, 1)).Message);

        ReadOnlyMemory<byte>[] values = [new byte[48], new byte[48], new byte[32]];
        Assert.Contains("Helper x 3 sent 32 bytes", Assert.Throws<SharingException>(() => ShareRecovery.Interpolate([1, 2, 3], values, 4, new byte[48])).Message);
        Assert.Contains("targetX 2", Assert.Throws<SharingException>(() => ShareRecovery.Interpolate([1, 2], values[..2], 2, new byte[48])).Message);
        Assert.Contains("3 helper x's and 2 helper values", Assert.Throws<SharingException>(() => ShareRecovery.Interpolate([1, 2, 3], values[..2], 5, new byte[48])).Message);
        Assert.Contains("threshold 3 with 2 helpers", Assert.Throws<SharingException>(() => ShareRecovery.FindInconsistentHelpers([1, 2], values[..2], 3)).Message);
    }

    [Fact]
    public void Messages_never_carry_share_bytes()
    {
        var s = Split35.Shares;
        var e = Combine([s[0], s[1], new ShareValue(3, new byte[50])], 3);
        Assert.DoesNotContain(Convert.ToHexString(s[0].Value[..4]), e.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static SharingException Combine(ShareValue[] shares, int t) =>
        Assert.Throws<SharingException>(() => Shamir.Combine(shares, Split35.Commitment, t));
}
