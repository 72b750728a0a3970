using FsCheck;
using FsCheck.Fluent;

namespace SecretFleet.Core.Tests.Sharing;

/// <summary>A sharing scenario: threshold, share count, secret, and a seed for the test's own random choices.</summary>
internal sealed record Scenario(int Threshold, int ShareCount, byte[] Secret, int Seed)
{
    public override string ToString() => $"t={Threshold} n={ShareCount} secret={Secret.Length} B seed={Seed}";
}

internal static class SharingGen
{
    /// <summary>Random t ≤ n ≤ <paramref name="maxShares"/> and secret length 1 B .. <paramref name="maxSecret"/>.</summary>
    public static Arbitrary<Scenario> Scenarios(int minThreshold = 1, int maxShares = 32, int maxSecret = 4096) =>
        (from n in Gen.Choose(Math.Max(minThreshold, 1), maxShares)
         from t in Gen.Choose(minThreshold, n)
         from length in Gen.Frequency((1, Gen.Choose(1, 48)), (2, Gen.Choose(1, maxSecret)))
         from seed in Gen.Choose(0, int.MaxValue)
         select new Scenario(t, n, Bytes(length, seed), seed)).ToArbitrary();

    public static void Check(Arbitrary<Scenario> scenarios, int cases, Action<Scenario> property) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), Prop.ForAll(scenarios, property));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
