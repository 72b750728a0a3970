using System.Security.Cryptography;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

/// <summary>What one simulated resharing produced: the new shares per secret (empty when it may not commit), the verdict, each receiver's complaints and the challenge.</summary>
internal sealed record ReshareRun(
    IReadOnlyList<IReadOnlyList<ShareValue>> NewShares,
    ResharingVerdict Verdict,
    IReadOnlyDictionary<byte, IReadOnlyList<byte>> Complaints,
    IReadOnlyList<byte> Accused,
    Gf128 Challenge);

/// <summary>
/// Plays a resharing around the math in memory: a fresh μ sharing, every old node deals one
/// batch holding all its secrets' blocks, receivers digest what they got, the common challenge
/// is derived from every digest, dealers publish C, every receiver checks every dealer, the
/// public check runs over the dealers nobody accused, and each new node combines D's values.
/// Cheating is a test hook here, never in core.
/// </summary>
internal static class ResharingSimulation
{
    /// <param name="secrets">Per secret, the old shares in the same x order for every secret.</param>
    /// <param name="oldThreshold">t of the old committee.</param>
    /// <param name="newXs">The new committee's x's.</param>
    /// <param name="newThreshold">t' of the new committee.</param>
    /// <param name="constantCheaters">Dealers that deal, as the constant of their first block, their share of another block.</param>
    /// <param name="dealtBlocks">Dealers that deal these blocks instead of their shares.</param>
    /// <param name="tamper">A dealer that sends one receiver (by x) a value off its polynomial.</param>
    public static ReshareRun Reshare(
        IReadOnlyList<IReadOnlyList<ShareValue>> secrets, int oldThreshold, byte[] newXs, int newThreshold,
        IReadOnlyCollection<byte>? constantCheaters = null, (byte Dealer, byte Receiver)? tamper = null,
        IReadOnlyDictionary<byte, byte[]>? dealtBlocks = null)
    {
        var oldXs = secrets[0].Select(s => s.X).ToArray();
        var blockCount = secrets.Sum(s => s[0].Value.Length) / 16;
        var mu = MaskShares(oldXs, oldThreshold);
        var dealings = new List<ResharingDealing>();
        try
        {
            for (var i = 0; i < oldXs.Length; i++)
            {
                var blocks = secrets.SelectMany(s => s[i].Value).ToArray();
                if (constantCheaters?.Contains(oldXs[i]) == true)
                {
                    blocks.AsSpan(blocks.Length - 16).CopyTo(blocks);
                }
                if (dealtBlocks?.TryGetValue(oldXs[i], out var instead) == true)
                {
                    blocks = instead;
                }
                dealings.Add(ResharingDealing.Deal(oldXs[i], blocks, mu[i], newThreshold, newXs));
            }
            var received = dealings.Select(d => newXs.Select((_, j) => (Values: d.ValuesFor(j).ToArray(), Mask: d.MaskFor(j).ToArray())).ToArray()).ToArray();
            if (tamper is { } cheat)
            {
                received[Array.IndexOf(oldXs, cheat.Dealer)][Array.IndexOf(newXs, cheat.Receiver)].Values[5] ^= 0x10;
            }
            var digests = received.SelectMany(r => r.Select(v => BatchCheck.Digest(v.Values, v.Mask))).ToList();
            var challenge = Resharing.Challenge("test-reshare"u8, "ids"u8, digests);
            var combined = dealings.Select(d => d.CombinedCoefficients(challenge)).ToArray();

            var complaints = new Dictionary<byte, IReadOnlyList<byte>>();
            for (var j = 0; j < newXs.Length; j++)
            {
                var got = oldXs.Select((x, i) => new ReceivedDealing(x, received[i][j].Values, received[i][j].Mask, combined[i])).ToList();
                complaints[newXs[j]] = Resharing.FailingDealers(newThreshold, newXs[j], blockCount, challenge, got);
            }
            var accused = complaints.Values.SelectMany(c => c).Distinct().Order().ToList();
            var unaccused = Enumerable.Range(0, oldXs.Length).Where(i => !accused.Contains(oldXs[i])).ToArray();
            var verdict = Resharing.CheckConstants(
                unaccused.Select(i => oldXs[i]).ToArray(), unaccused.Select(i => Resharing.ConstantOf(combined[i])).ToArray(), oldThreshold);

            var newShares = new List<IReadOnlyList<ShareValue>>();
            if (verdict.CanCommit)
            {
                var whole = new byte[newXs.Length][];
                for (var j = 0; j < newXs.Length; j++)
                {
                    whole[j] = new byte[blockCount * 16];
                    var values = verdict.AgreedDealers.Select(x => (ReadOnlyMemory<byte>)received[Array.IndexOf(oldXs, x)][j].Values).ToList();
                    Resharing.Combine(oldThreshold, verdict.AgreedDealers.ToArray(), values, whole[j]);
                }
                var offset = 0;
                foreach (var secret in secrets)
                {
                    var length = secret[0].Value.Length;
                    newShares.Add(newXs.Select((x, j) => new ShareValue(x, whole[j].AsSpan(offset, length).ToArray())).ToList());
                    offset += length;
                }
            }
            return new ReshareRun(newShares, verdict, complaints, accused, challenge);
        }
        finally
        {
            dealings.ForEach(d => d.Dispose());
        }
    }

    /// <summary>A fresh random sharing μ of degree t − 1 over <paramref name="xs"/> (the protocol makes it jointly; one dealer is enough for the math).</summary>
    public static byte[][] MaskShares(byte[] xs, int threshold) => MaskShares(xs, RandomNumberGenerator.GetBytes(threshold * 16));

    /// <summary>The μ shares of the polynomial with <paramref name="coefficients"/> (lowest degree first).</summary>
    public static byte[][] MaskShares(byte[] xs, byte[] coefficients) =>
        xs.Select(x => Gf128Blocks.Evaluate(coefficients, x).ToBytes()).ToArray();

    /// <summary>The payload the shares of one secret interpolate to.</summary>
    public static byte[] Payload(IReadOnlyList<ShareValue> shares, int threshold)
    {
        var payload = new byte[shares[0].Value.Length];
        Shamir.Interpolate(shares, threshold, payload);
        return payload;
    }

    /// <summary>Every k-subset of <paramref name="items"/>.</summary>
    public static IEnumerable<T[]> Subsets<T>(IReadOnlyList<T> items, int k)
    {
        if (k == 0)
        {
            yield return [];
            yield break;
        }
        for (var first = 0; first <= items.Count - k; first++)
        {
            foreach (var rest in Subsets(items.Skip(first + 1).ToList(), k - 1))
            {
                yield return [items[first], .. rest];
            }
        }
    }

    /// <summary>Π_{p∈points} (x + p) / (0 + p) at x: 1 at 0 and 0 at every point.</summary>
    public static Gf128 VanishingOn(IEnumerable<byte> points, byte x)
    {
        var numerator = Gf128.One;
        var denominator = Gf128.One;
        foreach (var p in points)
        {
            numerator *= Gf128.FromByte((byte)(x ^ p));
            denominator *= Gf128.FromByte(p);
        }
        return numerator * denominator.Inverse();
    }
}
