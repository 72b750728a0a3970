using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class LagrangeTests
{
    [Fact]
    public void Coefficients_reproduce_a_polynomial_at_any_point_whatever_the_order_of_xs()
    {
        var rng = new Random(12);
        for (var round = 0; round < 50; round++)
        {
            var k = rng.Next(1, 20);
            var coefficients = new byte[k * 16];
            rng.NextBytes(coefficients);
            var xs = Enumerable.Range(1, 255).OrderBy(_ => rng.Next()).Take(k).Select(x => (byte)x).ToArray();
            var at = (byte)rng.Next(0, 256);
            var set = XSet.Of(xs, "test");
            var lambdas = new Gf128[k];
            Lagrange.At(xs, set, at, lambdas);
            var sum = Gf128.Zero;
            for (var i = 0; i < k; i++)
            {
                sum += lambdas[i] * Gf128Blocks.Evaluate(coefficients, xs[i]);
            }
            Assert.Equal(Gf128Blocks.Evaluate(coefficients, at), sum);
        }
    }

    [Fact]
    public void Coefficients_are_cached_per_x_set_regardless_of_order()
    {
        var a = Lagrange.At(XSet.Of([3, 1, 2], "a"), 0);
        var b = Lagrange.At(XSet.Of([2, 3, 1], "b"), 0);
        Assert.Same(a, b);
    }

    [Fact]
    public void Cache_is_safe_under_concurrent_use()
    {
        var results = new Gf128[64][];
        Parallel.For(0, 64, i => results[i] = Lagrange.At(XSet.Of([(byte)(i % 8 + 1), 200, 201], "p"), 0));
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(Lagrange.At(XSet.Of([(byte)(i % 8 + 1), 200, 201], "p"), 0), results[i]);
        }
    }
}
