using System.Runtime.Intrinsics.X86;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

[Trait("Category", "Unit")]
public sealed class Gf128Tests
{
    [Fact]
    public void Field_matches_every_line_of_the_independent_vector_file()
    {
        var lines = File.ReadAllLines(VectorFile.Path("gf128.txt")).Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.True(lines.Count > 400, $"expected the full vector file, read {lines.Count} lines");
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "mul":
                    Assert.Equal(Block(parts[3]), Block(parts[1]) * Block(parts[2]));
                    Assert.Equal(Block(parts[3]), Gf128Multiply.MultiplySoftware(Block(parts[1]), Block(parts[2])));
                    break;
                case "inv":
                    Assert.Equal(Block(parts[2]), Block(parts[1]).Inverse());
                    break;
                default:
                    Assert.Fail($"unknown vector line: {line}");
                    break;
            }
        }
    }

    [Fact]
    public void Software_multiply_matches_hardware_multiply_on_random_inputs()
    {
        // The hardware path is the one `*` takes on this machine; say so, so a pass means something.
        Assert.True(Pclmulqdq.IsSupported || System.Runtime.Intrinsics.Arm.Aes.IsSupported, "no carry-less multiply instruction here");
        var rng = new Random(1);
        for (var i = 0; i < 20_000; i++)
        {
            var a = RandomElement(rng);
            var b = RandomElement(rng);
            Assert.Equal(Gf128Multiply.MultiplySoftware(a, b), a * b);
        }
    }

    [Fact]
    public void Small_multiply_and_square_agree_with_general_multiply()
    {
        var rng = new Random(2);
        for (var i = 0; i < 5_000; i++)
        {
            var a = RandomElement(rng);
            var x = (byte)rng.Next(256);
            Assert.Equal(a * Gf128.FromByte(x), Gf128Multiply.MultiplySmall(a, x));
            Assert.Equal(a * a, a.Square());
        }
    }

    [Fact]
    public void Inverse_times_element_is_one_and_zero_inverts_to_zero()
    {
        var rng = new Random(3);
        for (var i = 0; i < 500; i++)
        {
            var a = RandomElement(rng);
            Assert.Equal(Gf128.One, a * a.Inverse());
        }
        Assert.Equal(Gf128.Zero, Gf128.Zero.Inverse());
    }

    [Fact]
    public void Pow_follows_the_group_order()
    {
        var rng = new Random(4);
        var a = RandomElement(rng);
        Assert.Equal(Gf128.One, a.Pow(0));
        Assert.Equal(a * a * a * a * a, a.Pow(5));
        Assert.Equal(Gf128.One, a.Pow(UInt128.MaxValue)); // the multiplicative group has order 2^128 − 1
        Assert.Equal(a.Inverse(), a.Pow(UInt128.MaxValue - 1));
    }

    [Fact]
    public void Blocks_round_trip_little_endian_with_bit_i_the_coefficient_of_x_to_the_i()
    {
        var x = Gf128.FromByte(2);
        var x127 = x.Pow(127);
        Assert.Equal(new Gf128(0, 1UL << 63), x127);
        var bytes = x127.ToBytes();
        Assert.Equal(0x80, bytes[15]);
        Assert.Equal(Gf128.FromByte(0x87), x127 * x); // x^128 = x^7 + x^2 + x + 1
        Assert.Equal(x127, Gf128.Read(bytes));
    }

    [Fact]
    public void Equality_and_zero_test_distinguish_every_single_bit()
    {
        Assert.True(Gf128.Zero.IsZero);
        for (var bit = 0; bit < 128; bit++)
        {
            var e = bit < 64 ? new Gf128(1UL << bit, 0) : new Gf128(0, 1UL << (bit - 64));
            Assert.False(e.IsZero);
            Assert.True(e != Gf128.Zero);
            Assert.True(e == new Gf128(e.Lo, e.Hi));
        }
    }

    [Fact]
    public void Fold_powers_equals_the_plain_sum_of_powers()
    {
        var rng = new Random(5);
        var r = RandomElement(rng);
        foreach (var count in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 1000, 1003 })
        {
            var blocks = new byte[count * 16];
            rng.NextBytes(blocks);
            var expected = Gf128.Zero;
            var power = r;
            for (var i = 0; i < count; i++)
            {
                expected += power * Gf128.Read(blocks.AsSpan(i * 16));
                power *= r;
            }
            Assert.Equal(expected, Gf128Blocks.FoldPowers(blocks, r));
        }
    }

    [Fact]
    public void Span_helpers_add_multiply_and_evaluate_block_by_block()
    {
        var rng = new Random(6);
        var a = new byte[37 * 16];
        var b = new byte[37 * 16];
        rng.NextBytes(a);
        rng.NextBytes(b);
        var c = RandomElement(rng);
        var sum = (byte[])a.Clone();
        Gf128Blocks.Add(sum, b);
        var fma = (byte[])a.Clone();
        Gf128Blocks.MultiplyAdd(fma, b, c);
        for (var i = 0; i < 37; i++)
        {
            Assert.Equal(Gf128.Read(a.AsSpan(i * 16)) + Gf128.Read(b.AsSpan(i * 16)), Gf128.Read(sum.AsSpan(i * 16)));
            Assert.Equal(Gf128.Read(a.AsSpan(i * 16)) + c * Gf128.Read(b.AsSpan(i * 16)), Gf128.Read(fma.AsSpan(i * 16)));
        }
        var x = (byte)rng.Next(1, 256);
        var expected = Gf128.Zero;
        for (var i = 36; i >= 0; i--)
        {
            expected = expected * Gf128.FromByte(x) + Gf128.Read(a.AsSpan(i * 16));
        }
        Assert.Equal(expected, Gf128Blocks.Evaluate(a, x));
        Assert.Equal(expected, Gf128Blocks.Evaluate(a, Gf128.FromByte(x)));
        Assert.Throws<ArgumentException>(() => Gf128Blocks.Add(sum, b.AsSpan(16)));
    }

    internal static Gf128 RandomElement(Random rng) => new((ulong)rng.NextInt64() ^ (ulong)rng.Next() << 63, (ulong)rng.NextInt64() ^ (ulong)rng.Next() << 63);

    private static Gf128 Block(string hex) => Gf128.Read(Convert.FromHexString(hex));
}
