using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Sharing;

/// <summary>
/// Plays the node protocol around the math in memory: every dealer deals one batch, receivers
/// digest what they got, the challenge is derived from all digests, dealers publish the
/// combined coefficients and every receiver verifies before adding the deltas.
/// </summary>
internal static class ProtocolSimulation
{
    /// <summary>One refresh epoch: every holder deals to every holder with zeroAt = 0. Returns the new shares.</summary>
    public static ShareValue[] Refresh(IReadOnlyList<ShareValue> shares, int threshold)
    {
        var xs = shares.Select(s => s.X).ToArray();
        var next = shares.Select(s => new ShareValue(s.X, (byte[])s.Value.Clone())).ToArray();
        var blocks = shares[0].Value.Length / 16;
        foreach (var dealer in xs)
        {
            using var batch = DealtBatch.Deal(threshold, xs, 0, blocks);
            VerifyAll(batch, xs, 0, threshold);
            for (var j = 0; j < xs.Length; j++)
            {
                Refresh(next[j].Value, batch.ValuesFor(j));
            }
        }
        return next;
    }

    /// <summary>
    /// Share recovery for <paramref name="target"/>: every helper deals polynomials vanishing
    /// at the target to all helpers, each helper masks its share with the sum it received, and
    /// the target interpolates the masked values. Returns the masked values the target saw.
    /// </summary>
    public static byte[][] MaskedHelperValues(IReadOnlyList<ShareValue> helpers, byte target, int threshold)
    {
        var xs = helpers.Select(s => s.X).ToArray();
        var masked = helpers.Select(s => (byte[])s.Value.Clone()).ToArray();
        var blocks = helpers[0].Value.Length / 16;
        foreach (var dealer in xs)
        {
            using var batch = DealtBatch.Deal(threshold, xs, target, blocks);
            VerifyAll(batch, xs, target, threshold);
            for (var l = 0; l < xs.Length; l++)
            {
                Refresh(masked[l], batch.ValuesFor(l));
            }
        }
        return masked;
    }

    private static void VerifyAll(DealtBatch batch, byte[] xs, byte zeroAt, int threshold)
    {
        var digests = Enumerable.Range(0, xs.Length).Select(j => BatchCheck.Digest(batch.ValuesFor(j), batch.MaskFor(j))).ToList();
        var challenge = BatchCheck.Challenge("test-refresh"u8, "ids"u8, digests);
        var q = batch.CombinedCoefficients(challenge);
        for (var j = 0; j < xs.Length; j++)
        {
            Assert.True(BatchCheck.Verify(threshold, xs[j], zeroAt, batch.ValuesFor(j), batch.MaskFor(j), challenge, q), $"honest dealing failed the check at x {xs[j]}");
        }
    }

    private static void Refresh(byte[] share, ReadOnlySpan<byte> delta) => SecretFleet.Core.Sharing.Refresh.AddInto(share, delta);
}
