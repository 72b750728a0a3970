using BenchmarkDotNet.Attributes;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Benchmarks;

/// <summary>Split and combine of one secret.</summary>
[MemoryDiagnoser]
public class ShamirBenchmarks
{
    private byte[] _secret = [];
    private SplitResult _split = null!;
    private ShareValue[] _firstT = [];

    [ParamsSource(nameof(Schemes))]
    public Scheme Scheme { get; set; } = Scheme.ThreeOfFive;

    [Params(32, 1024)]
    public int SecretBytes { get; set; }

    public static IEnumerable<Scheme> Schemes => [Scheme.ThreeOfFive, Scheme.SevenOfTen];

    [GlobalSetup]
    public void Setup()
    {
        _secret = new byte[SecretBytes];
        new Random(1).NextBytes(_secret);
        _split = Shamir.Split(_secret, Scheme.Threshold, Scheme.Shares);
        _firstT = _split.Shares.Take(Scheme.Threshold).ToArray();
    }

    [Benchmark]
    public SplitResult Split() => Shamir.Split(_secret, Scheme.Threshold, Scheme.Shares);

    [Benchmark]
    public byte[] Combine() => Shamir.Combine(_firstT, _split.Commitment, Scheme.Threshold);
}
