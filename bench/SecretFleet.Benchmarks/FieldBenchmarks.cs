using BenchmarkDotNet.Attributes;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Benchmarks;

/// <summary>
/// One field multiply, GF(2^128) against the prime field 2^127 − 1, as a dependent chain
/// (latency, what Horner over one polynomial sees) and as 8 independent chains (throughput,
/// what span loops see). Times are per multiply.
/// </summary>
[MemoryDiagnoser]
public class FieldBenchmarks
{
    private const int Steps = 1024;

    private readonly Gf128 _a = new(0x0123456789abcdef, 0xfedcba9876543210);
    private readonly Gf128 _b = new(0x0f1e2d3c4b5a6978, 0x8796a5b4c3d2e1f0);
    private readonly (ulong Lo, ulong Hi) _pa = (0x0123456789abcdef, 0x7edcba9876543210);
    private readonly (ulong Lo, ulong Hi) _pb = (0x0f1e2d3c4b5a6978, 0x0796a5b4c3d2e1f0);

    /// <summary>Refuses to time a wrong prime-field multiply: checks it against BigInteger first.</summary>
    [GlobalSetup]
    public void CheckPrimeField()
    {
        var p = (System.Numerics.BigInteger.One << 127) - 1;
        var rng = new Random(1);
        for (var i = 0; i < 10_000; i++)
        {
            var (aLo, aHi) = ((ulong)rng.NextInt64() ^ (ulong)rng.Next() << 63, (ulong)rng.NextInt64());
            var (bLo, bHi) = i == 0 ? (ulong.MaxValue - 1, Mersenne127.HighMask) : ((ulong)rng.NextInt64() ^ (ulong)rng.Next() << 63, (ulong)rng.NextInt64());
            var (rLo, rHi) = Mersenne127.Multiply(aLo, aHi, bLo, bHi);
            var expected = Big(aLo, aHi) * Big(bLo, bHi) % p;
            if (Big(rLo, rHi) != expected)
            {
                throw new InvalidOperationException($"Mersenne127.Multiply is wrong for input {i}");
            }
        }

        static System.Numerics.BigInteger Big(ulong lo, ulong hi) => (new System.Numerics.BigInteger(hi) << 64) + lo;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public Gf128 Gf128Latency()
    {
        var acc = _a;
        for (var i = 0; i < Steps; i++)
        {
            acc *= _b;
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Steps * 8)]
    public Gf128 Gf128Throughput()
    {
        var (a0, a1, a2, a3, a4, a5, a6, a7) = (_a, _b, _a + _b, _a * _a, _b * _b, _a + Gf128.One, _b + Gf128.One, _a * _b);
        for (var i = 0; i < Steps; i++)
        {
            a0 *= _b; a1 *= _b; a2 *= _b; a3 *= _b; a4 *= _b; a5 *= _b; a6 *= _b; a7 *= _b;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public Gf128 Gf128SoftwareLatency()
    {
        var acc = _a;
        for (var i = 0; i < Steps; i++)
        {
            acc = Gf128Multiply.MultiplySoftware(acc, _b);
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public ulong Mersenne127Latency()
    {
        var acc = _pa;
        for (var i = 0; i < Steps; i++)
        {
            acc = Mersenne127.Multiply(acc.Lo, acc.Hi, _pb.Lo, _pb.Hi);
        }
        return acc.Lo ^ acc.Hi;
    }

    [Benchmark(OperationsPerInvoke = Steps * 8)]
    public ulong Mersenne127Throughput()
    {
        var (b0, b1) = _pb;
        (ulong Lo, ulong Hi) a0 = _pa, a1 = _pb, a2 = (_pa.Lo ^ 1, _pa.Hi), a3 = (_pb.Lo ^ 1, _pb.Hi),
            a4 = (_pa.Lo ^ 2, _pa.Hi), a5 = (_pb.Lo ^ 2, _pb.Hi), a6 = (_pa.Lo ^ 4, _pa.Hi), a7 = (_pb.Lo ^ 4, _pb.Hi);
        for (var i = 0; i < Steps; i++)
        {
            a0 = Mersenne127.Multiply(a0.Lo, a0.Hi, b0, b1); a1 = Mersenne127.Multiply(a1.Lo, a1.Hi, b0, b1);
            a2 = Mersenne127.Multiply(a2.Lo, a2.Hi, b0, b1); a3 = Mersenne127.Multiply(a3.Lo, a3.Hi, b0, b1);
            a4 = Mersenne127.Multiply(a4.Lo, a4.Hi, b0, b1); a5 = Mersenne127.Multiply(a5.Lo, a5.Hi, b0, b1);
            a6 = Mersenne127.Multiply(a6.Lo, a6.Hi, b0, b1); a7 = Mersenne127.Multiply(a7.Lo, a7.Hi, b0, b1);
        }
        return a0.Lo ^ a1.Lo ^ a2.Lo ^ a3.Lo ^ a4.Lo ^ a5.Lo ^ a6.Lo ^ a7.Lo;
    }
}
