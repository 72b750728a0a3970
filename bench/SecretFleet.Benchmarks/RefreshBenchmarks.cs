using BenchmarkDotNet.Attributes;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Benchmarks;

/// <summary>
/// Refresh math per secret, measured over a batch of 1,000 secrets (nodes deal in batches, so
/// one CSPRNG call and one challenge cover the batch). Deal = dealing to all n receivers plus
/// the combined coefficients; Digest and Verify are one receiver's work for one dealer;
/// ApplyDelta adds one dealer's delta to one share.
/// </summary>
[MemoryDiagnoser]
public class RefreshBenchmarks
{
    private const int SecretsPerBatch = 1000;

    private byte[] _xs = [];
    private int _blocks;
    private DealtBatch _batch = null!;
    private Gf128 _challenge;
    private byte[] _q = [];
    private byte[] _share = [];

    [ParamsSource(nameof(Schemes))]
    public Scheme Scheme { get; set; } = Scheme.ThreeOfFive;

    [Params(32, 1024)]
    public int SecretBytes { get; set; }

    public static IEnumerable<Scheme> Schemes => [Scheme.ThreeOfFive, Scheme.SevenOfTen];

    [GlobalSetup]
    public void Setup()
    {
        _xs = Scheme.Xs;
        _blocks = SecretLayout.PayloadBytes(SecretBytes) / Gf128.BlockSize * SecretsPerBatch;
        _batch = DealtBatch.Deal(Scheme.Threshold, _xs, 0, _blocks);
        _challenge = BatchCheck.Challenge("bench"u8, "batch"u8, Enumerable.Range(0, _xs.Length).Select(_batch.DigestFor).ToList());
        _q = _batch.CombinedCoefficients(_challenge);
        _share = new byte[SecretLayout.PayloadBytes(SecretBytes)];
    }

    [GlobalCleanup]
    public void Cleanup() => _batch.Dispose();

    [Benchmark(OperationsPerInvoke = SecretsPerBatch)]
    public int RefreshDeal()
    {
        using var batch = DealtBatch.Deal(Scheme.Threshold, _xs, 0, _blocks);
        return batch.CombinedCoefficients(_challenge).Length;
    }

    [Benchmark(OperationsPerInvoke = SecretsPerBatch)]
    public byte[] ReceiverDigest() => BatchCheck.Digest(_batch.ValuesFor(1), _batch.MaskFor(1));

    [Benchmark(OperationsPerInvoke = SecretsPerBatch)]
    public bool BatchVerify() => BatchCheck.Verify(Scheme.Threshold, _xs[1], 0, _batch.ValuesFor(1), _batch.MaskFor(1), _challenge, _q);

    [Benchmark]
    public void ApplyDelta() => Refresh.AddInto(_share, _batch.ValuesFor(1)[.._share.Length]);
}
