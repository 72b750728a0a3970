using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Benchmarks;

/// <summary>
/// The peer comparison's loop for SecretFleet, the same work every peer script does: for each
/// of <c>count</c> random 32-byte secrets, split 3-of-5, combine the first 3 shares, check the
/// result. Warm for two seconds first (tiered JIT), then <c>passes</c> timed passes; prints the median.
/// </summary>
internal static class PeerLoop
{
    public static int Run(int count, int passes)
    {
        var secrets = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            secrets[i] = RandomNumberGenerator.GetBytes(32);
        }
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            Pass(secrets);
        }
        var perOp = new double[Math.Max(1, passes)];
        for (var p = 0; p < perOp.Length; p++)
        {
            var start = Stopwatch.GetTimestamp();
            Pass(secrets);
            perOp[p] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
        }
        Array.Sort(perOp);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"secretfleet: {perOp[perOp.Length / 2]:F2} us/op (min {perOp[0]:F2}, {count} ops per pass)"));
        return 0;
    }

    private static void Pass(byte[][] secrets)
    {
        var firstThree = new ShareValue[3];
        foreach (var secret in secrets)
        {
            var split = Shamir.Split(secret, 3, 5);
            firstThree[0] = split.Shares[0];
            firstThree[1] = split.Shares[1];
            firstThree[2] = split.Shares[2];
            if (!Shamir.Combine(firstThree, split.Commitment, 3).AsSpan().SequenceEqual(secret))
            {
                throw new InvalidOperationException("split+combine lost the secret");
            }
        }
    }
}
