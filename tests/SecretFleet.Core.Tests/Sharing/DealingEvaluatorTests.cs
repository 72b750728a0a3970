using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class DealingEvaluatorTests
{
    [Fact]
    public void Register_and_portable_evaluation_of_a_dealing_agree()
    {
        Assert.True(System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported, "the register path needs Pclmulqdq");
        var rng = new Random(3);
        foreach (var (count, blocks, zeroAt) in new[] { (1, 1, (byte)0), (2, 37, (byte)0), (6, 100, (byte)7) })
        {
            byte[] xs = [1, 2, 3, 4, 5, 6, 8, 200];
            var coefficients = new byte[count * (blocks + 1) * 16];
            rng.NextBytes(coefficients);
            Span<byte> shifted = xs.Select(x => (byte)(x ^ zeroAt)).ToArray();
            var (values1, masks1) = (new byte[xs.Length * blocks * 16], new byte[xs.Length * 16]);
            var (values2, masks2) = (new byte[xs.Length * blocks * 16], new byte[xs.Length * 16]);
            DealingEvaluator.EvaluatePortable(coefficients, count, blocks, xs, shifted, values1, masks1);
            DealingEvaluator.EvaluatePclmul(coefficients, count, blocks, xs, shifted, values2, masks2);
            Assert.Equal(values1, values2);
            Assert.Equal(masks1, masks2);
            // And both are (x + z)·q(x) for the first polynomial at the first receiver.
            var q = Gf128.Zero;
            for (var k = count - 1; k >= 0; k--)
            {
                q = q * Gf128.FromByte(xs[0]) + Gf128.Read(coefficients.AsSpan(k * (blocks + 1) * 16));
            }
            Assert.Equal(q * Gf128.FromByte((byte)(xs[0] ^ zeroAt)), Gf128.Read(values1));
        }
    }
}
