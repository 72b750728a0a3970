namespace SecretFleet.Core.Sharing;

/// <summary>Applies refresh deltas: s'_j = s_j + Σ_i δ_i(x_j), one dealer at a time.</summary>
public static class Refresh
{
    /// <summary>Adds one dealer's values for this receiver into <paramref name="share"/> in place.</summary>
    /// <exception cref="SharingException">The delta is not the share's length, or not whole blocks.</exception>
    public static void AddInto(Span<byte> share, ReadOnlySpan<byte> delta)
    {
        if (share.Length != delta.Length || share.Length % Gf128.BlockSize != 0)
        {
            throw new SharingException($"The delta is {delta.Length} bytes and the share {share.Length}; a delta must match its share and be whole 16-byte blocks.");
        }
        Gf128Blocks.Add(share, delta);
    }
}
