namespace SecretFleet.Core.Epochs;

/// <summary>
/// Dealers summarize their snapshots by key bucket at Begin, so the coordinator reconciles only
/// the buckets where they differ: 1024 buckets by the first 10 bits of the secret key, one
/// SHA-256 digest each (32 KiB per dealer, whatever the number of secrets).
/// </summary>
public static class SnapshotBuckets
{
    /// <summary>Number of buckets.</summary>
    public const int Count = 1024;

    /// <summary>Bytes of one bucket digest.</summary>
    public const int DigestBytes = 32;

    /// <summary>The bucket of a secret key (16 bytes).</summary>
    public static int Of(ReadOnlySpan<byte> key) => (key[0] << 2) | (key[1] >> 6);

    /// <summary>One digest for a whole snapshot: SHA-256 over its bucket digests.</summary>
    public static byte[] Fingerprint(ReadOnlySpan<byte> bucketDigests) => System.Security.Cryptography.SHA256.HashData(bucketDigests);
}
