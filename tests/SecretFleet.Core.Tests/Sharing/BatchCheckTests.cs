using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class BatchCheckTests
{
    private const int Blocks = 10_000;
    private static readonly byte[] Receivers = [1, 2, 3, 4, 5];

    [Fact]
    public void Honest_dealing_passes_at_every_receiver_for_refresh_and_recovery()
    {
        foreach (var (t, zeroAt) in new[] { (1, (byte)0), (2, (byte)0), (3, (byte)0), (5, (byte)0), (3, (byte)9) })
        {
            using var batch = DealtBatch.Deal(t, Receivers, zeroAt, 7);
            var (challenge, q) = Publish(batch);
            for (var j = 0; j < Receivers.Length; j++)
            {
                Assert.True(BatchCheck.Verify(t, Receivers[j], zeroAt, batch.ValuesFor(j), batch.MaskFor(j), challenge, q));
            }
        }
    }

    [Fact]
    public void Dealer_that_tampers_with_one_block_of_ten_thousand_is_caught_at_that_receiver()
    {
        using var batch = DealtBatch.Deal(3, Receivers, 0, Blocks);
        var values = Copy(batch);
        values[2][(Blocks - 17) * 16 + 5] ^= 0x40;
        AssertCaught(batch, values, mustFailAt: [2]);
    }

    [Fact]
    public void Dealer_whose_block_does_not_vanish_at_zero_is_caught_at_every_receiver()
    {
        // Adding a constant to one block at every receiver would shift the secret: δ_m(0) ≠ 0.
        using var batch = DealtBatch.Deal(3, Receivers, 0, Blocks);
        var values = Copy(batch);
        var shift = Gf128Tests.RandomElement(new Random(1));
        foreach (var v in values)
        {
            (Gf128.Read(v.AsSpan(4321 * 16)) + shift).Write(v.AsSpan(4321 * 16));
        }
        AssertCaught(batch, values, mustFailAt: [0, 1, 2, 3, 4]);
    }

    [Fact]
    public void Dealer_with_a_block_of_degree_t_is_caught()
    {
        // δ_m + c·x^(t−1)·x still vanishes at 0 but has degree t: t shares would no longer interpolate.
        using var batch = DealtBatch.Deal(3, Receivers, 0, Blocks);
        var values = Copy(batch);
        var c = Gf128Tests.RandomElement(new Random(2));
        for (var j = 0; j < Receivers.Length; j++)
        {
            var x = Gf128.FromByte(Receivers[j]);
            var at = values[j].AsSpan(9999 * 16);
            (Gf128.Read(at) + c * x * x * x).Write(at);
        }
        AssertCaught(batch, values, mustFailAt: []);
    }

    [Fact]
    public void Combined_coefficients_of_too_high_degree_fail_the_check()
    {
        // A dealer dealing degree-t polynomials consistently publishes t coefficients, one too many.
        using var batch = DealtBatch.Deal(4, Receivers, 0, 100);
        var (challenge, q) = Publish(batch);
        Assert.True(BatchCheck.Verify(4, 1, 0, batch.ValuesFor(0), batch.MaskFor(0), challenge, q));
        Assert.False(BatchCheck.Verify(3, 1, 0, batch.ValuesFor(0), batch.MaskFor(0), challenge, q));
        Assert.False(BatchCheck.Verify(3, 1, 0, batch.ValuesFor(0), batch.MaskFor(0)[..8], challenge, q[..32]));
    }

    [Fact]
    public void Challenge_depends_on_context_ids_and_every_digest()
    {
        var digests = new List<byte[]> { new byte[32], new byte[32] };
        var r = BatchCheck.Challenge("ctx"u8, "ids"u8, digests);
        Assert.False(r.IsZero);
        Assert.Equal(r, BatchCheck.Challenge("ctx"u8, "ids"u8, [new byte[32], new byte[32]]));
        Assert.NotEqual(r, BatchCheck.Challenge("ctx2"u8, "ids"u8, digests));
        Assert.NotEqual(r, BatchCheck.Challenge("ctx"u8, "idt"u8, digests));
        var changed = new byte[32];
        changed[31] = 1;
        Assert.NotEqual(r, BatchCheck.Challenge("ctx"u8, "ids"u8, [new byte[32], changed]));
        Assert.NotEqual(BatchCheck.Challenge("ab"u8, "c"u8, digests), BatchCheck.Challenge("a"u8, "bc"u8, digests));
    }

    [Fact]
    public void Disposed_batch_refuses_access()
    {
        var batch = DealtBatch.Deal(2, Receivers, 0, 1);
        batch.Dispose();
        Assert.Throws<ObjectDisposedException>(() => batch.ValuesFor(0).Length);
    }

    private static (Gf128 Challenge, byte[] Q) Publish(DealtBatch batch)
    {
        var digests = Enumerable.Range(0, batch.ReceiverCount).Select(batch.DigestFor).ToList();
        var challenge = BatchCheck.Challenge("refresh-7/epoch-3"u8, "batch-0"u8, digests);
        return (challenge, batch.CombinedCoefficients(challenge));
    }

    private static byte[][] Copy(DealtBatch batch) =>
        Enumerable.Range(0, batch.ReceiverCount).Select(j => batch.ValuesFor(j).ToArray()).ToArray();

    /// <summary>
    /// The challenge comes from the digests of what receivers actually got (the tampered
    /// values); the dealer then publishes its combined coefficients. Some receiver must reject.
    /// </summary>
    private static void AssertCaught(DealtBatch batch, byte[][] values, int[] mustFailAt)
    {
        var digests = values.Select((v, j) => BatchCheck.Digest(v, batch.MaskFor(j))).ToList();
        var challenge = BatchCheck.Challenge("refresh-7/epoch-3"u8, "batch-0"u8, digests);
        var q = batch.CombinedCoefficients(challenge);
        var verdicts = values.Select((v, j) => BatchCheck.Verify(3, Receivers[j], 0, v, batch.MaskFor(j), challenge, q)).ToArray();
        Assert.Contains(false, verdicts);
        Assert.All(mustFailAt, j => Assert.False(verdicts[j], $"receiver {j} accepted a bad dealing"));
        for (var j = 0; j < values.Length; j++)
        {
            if (values[j].AsSpan().SequenceEqual(batch.ValuesFor(j)))
            {
                Assert.True(verdicts[j], $"receiver {j} got honest values and must accept");
            }
        }
    }
}
