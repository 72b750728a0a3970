namespace SecretFleet.Core.Sharing;

/// <summary>Input checks shared by the sharing entry points; each throws <see cref="SharingException"/> naming the input.</summary>
internal static class SharingGuard
{
    public const int MaxShares = 255;

    /// <summary>Smallest share value: the payload of a one-byte secret.</summary>
    public static readonly int MinShareBytes = SecretLayout.PayloadBytes(1);

    public static void Threshold(int threshold, int shareCount)
    {
        if (threshold < 1)
        {
            throw new SharingException($"threshold {threshold} is below 1.");
        }
        if (shareCount > MaxShares)
        {
            throw new SharingException($"shareCount {shareCount} is above {MaxShares}; x-coordinates are the bytes 1..255.");
        }
        if (threshold > shareCount)
        {
            throw new SharingException($"threshold {threshold} is above shareCount {shareCount}; t shares of n are needed, so t ≤ n.");
        }
    }

    /// <summary>Checks a set of shares for combining and returns their common value length.</summary>
    public static int Shares(IReadOnlyList<ShareValue> shares, ReadOnlySpan<byte> commitment, int threshold)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (threshold < 1)
        {
            throw new SharingException($"threshold {threshold} is below 1.");
        }
        if (threshold > MaxShares)
        {
            throw new SharingException($"threshold {threshold} is above {MaxShares}.");
        }
        if (commitment.Length != SecretLayout.CommitmentBytes)
        {
            throw new SharingException($"The commitment is {commitment.Length} bytes; a SHA-256 commitment is {SecretLayout.CommitmentBytes}.");
        }
        if (shares.Count < threshold)
        {
            throw new SharingException($"Only {shares.Count} shares for threshold {threshold}; at least {threshold} are needed.");
        }
        if (shares.Count > MaxShares)
        {
            throw new SharingException($"{shares.Count} shares given; at most {MaxShares} distinct x-coordinates exist.");
        }
        var length = -1;
        var seen = default(XSet);
        foreach (var share in shares)
        {
            ArgumentNullException.ThrowIfNull(share);
            ArgumentNullException.ThrowIfNull(share.Value);
            seen = seen.Adding(share.X, "The share list");
            if (share.Value.Length % Gf128.BlockSize != 0 || share.Value.Length < MinShareBytes)
            {
                throw new SharingException($"Share x {share.X} is {share.Value.Length} bytes; a share value is a whole number of 16-byte blocks and at least {MinShareBytes} bytes.");
            }
            if (length >= 0 && share.Value.Length != length)
            {
                throw new SharingException($"Shares of mixed length: share x {share.X} is {share.Value.Length} bytes, the first share {length}; all shares of one secret have the same length.");
            }
            length = share.Value.Length;
        }
        return length;
    }
}
