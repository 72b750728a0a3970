using System.Globalization;

namespace SecretFleet.Benchmarks;

/// <summary>"t-of-n" as a benchmark parameter.</summary>
public sealed record Scheme(int Threshold, int Shares)
{
    public static readonly Scheme ThreeOfFive = new(3, 5);
    public static readonly Scheme SevenOfTen = new(7, 10);

    public byte[] Xs => Enumerable.Range(1, Shares).Select(i => (byte)i).ToArray();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Threshold}-of-{Shares}");
}
