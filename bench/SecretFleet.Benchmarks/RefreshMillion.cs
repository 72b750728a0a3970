using System.Diagnostics;
using System.Globalization;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Benchmarks;

/// <summary>
/// One node's share of refreshing <c>count</c> 32-byte secrets (5 blocks each) at n = 5, t = 3,
/// in batches of 10,000 secrets, on one thread: deal its own batch to all 5 receivers and
/// publish the combined coefficients; digest, verify and apply what it received from each of
/// the 5 dealers (itself included). The other dealers' batches are dealt once up front and
/// reused: verifying them costs the same whatever their values.
/// </summary>
internal static class RefreshMillion
{
    private const int Threshold = 3;
    private const int SecretsPerBatch = 10_000;
    private static readonly byte[] Xs = [1, 2, 3, 4, 5];
    private const int Me = 0;

    public static int Run(int count)
    {
        var blocksPerSecret = SecretLayout.PayloadBytes(32) / Gf128.BlockSize;
        var batchBlocks = SecretsPerBatch * blocksPerSecret;
        var batches = Math.Max(1, count / SecretsPerBatch);
        var shares = new byte[(long)batches * batchBlocks * Gf128.BlockSize];
        var others = Enumerable.Range(1, Xs.Length - 1).Select(_ => DealtBatch.Deal(Threshold, Xs, 0, batchBlocks)).ToArray();
        var otherChallenges = others.Select(b => BatchCheck.Challenge("bench"u8, "batch"u8, Enumerable.Range(0, Xs.Length).Select(b.DigestFor).ToList())).ToArray();
        var otherQs = others.Select((b, i) => b.CombinedCoefficients(otherChallenges[i])).ToArray();

        var phases = new long[4];
        var warm = Stopwatch.StartNew();
        for (var b = 0; warm.Elapsed < TimeSpan.FromSeconds(2); b = (b + 1) % batches)
        {
            Batch(shares, b, batchBlocks, others, otherChallenges, otherQs, phases);
        }

        Array.Clear(phases);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var b = 0; b < batches; b++)
        {
            Batch(shares, b, batchBlocks, others, otherChallenges, otherQs, phases);
        }
        var wall = Stopwatch.GetElapsedTime(start);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        foreach (var other in others)
        {
            other.Dispose();
        }

        var secrets = (long)batches * SecretsPerBatch;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"refresh math, one node, n=5 t=3, {secrets} secrets of 32 B ({secrets * blocksPerSecret} blocks/dealer): {wall.TotalSeconds:F3} s wall, {cpu.TotalSeconds:F3} s process CPU"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  deal {Seconds(phases[0]):F3} s, digest {Seconds(phases[1]):F3} s, verify {Seconds(phases[2]):F3} s, apply {Seconds(phases[3]):F3} s; allocated {allocated / batches} B per batch of {SecretsPerBatch} secrets"));
        return 0;
    }

    private static void Batch(byte[] shares, int b, int batchBlocks, DealtBatch[] others, Gf128[] otherChallenges, byte[][] otherQs, long[] phases)
    {
        var t0 = Stopwatch.GetTimestamp();
        using var mine = DealtBatch.Deal(Threshold, Xs, 0, batchBlocks);
        var t1 = Stopwatch.GetTimestamp();

        // The receivers' digests of this node's dealing fix the challenge; this node computes
        // only its own digests, of what each dealer sent it.
        var ownDigest = BatchCheck.Digest(mine.ValuesFor(Me), mine.MaskFor(Me));
        foreach (var other in others)
        {
            _ = BatchCheck.Digest(other.ValuesFor(Me), other.MaskFor(Me));
        }
        var t2 = Stopwatch.GetTimestamp();
        var challenge = BatchCheck.Challenge("bench"u8, "batch"u8, [ownDigest, ownDigest, ownDigest, ownDigest, ownDigest]);
        var q = mine.CombinedCoefficients(challenge);
        var t3 = Stopwatch.GetTimestamp();

        var ok = BatchCheck.Verify(Threshold, Xs[Me], 0, mine.ValuesFor(Me), mine.MaskFor(Me), challenge, q);
        for (var d = 0; d < others.Length; d++)
        {
            ok &= BatchCheck.Verify(Threshold, Xs[Me], 0, others[d].ValuesFor(Me), others[d].MaskFor(Me), otherChallenges[d], otherQs[d]);
        }
        if (!ok)
        {
            throw new InvalidOperationException("an honest dealing failed the batch check");
        }
        var t4 = Stopwatch.GetTimestamp();

        var share = shares.AsSpan(b * batchBlocks * Gf128.BlockSize, batchBlocks * Gf128.BlockSize);
        Refresh.AddInto(share, mine.ValuesFor(Me));
        foreach (var other in others)
        {
            Refresh.AddInto(share, other.ValuesFor(Me));
        }
        var t5 = Stopwatch.GetTimestamp();

        phases[0] += t1 - t0 + (t3 - t2);
        phases[1] += t2 - t1;
        phases[2] += t4 - t3;
        phases[3] += t5 - t4;
    }

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
