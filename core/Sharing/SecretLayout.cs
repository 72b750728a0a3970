using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// The shared payload (DESIGN.md §3): 4-byte little-endian secret length ‖ secret ‖ 32-byte
/// random salt, zero-padded to whole 16-byte blocks. The commitment is SHA-256 of the whole
/// padded payload; the salt is inside the sharing, so nodes holding the commitment cannot test
/// guesses of a short secret against it.
/// </summary>
public static class SecretLayout
{
    /// <summary>Default largest secret: 64 KiB.</summary>
    public const int DefaultMaxSecretBytes = 64 * 1024;

    /// <summary>Bytes of the length prefix.</summary>
    public const int LengthBytes = 4;

    /// <summary>Bytes of random salt after the secret.</summary>
    public const int SaltBytes = 32;

    /// <summary>Bytes of the SHA-256 commitment.</summary>
    public const int CommitmentBytes = 32;

    /// <summary>Largest configurable secret size (16 MiB): shares are held in memory whole.</summary>
    public const int MaxConfigurableSecretBytes = 16 * 1024 * 1024;

    /// <summary>Payload (and share value) size in bytes for a secret of <paramref name="secretBytes"/> bytes.</summary>
    public static int PayloadBytes(int secretBytes) =>
        (LengthBytes + secretBytes + SaltBytes + Gf128.BlockSize - 1) / Gf128.BlockSize * Gf128.BlockSize;

    /// <summary>Throws <see cref="SharingException"/> when the secret is empty or above <paramref name="maxSecretBytes"/>.</summary>
    public static void CheckSecretSize(int secretBytes, int maxSecretBytes)
    {
        if (maxSecretBytes < 1 || maxSecretBytes > MaxConfigurableSecretBytes)
        {
            throw new SharingException($"maxSecretBytes {maxSecretBytes} is outside 1..{MaxConfigurableSecretBytes}.");
        }
        if (secretBytes == 0)
        {
            throw new SharingException("The secret is empty; store at least one byte.");
        }
        if (secretBytes > maxSecretBytes)
        {
            throw new SharingException($"The secret is {secretBytes} bytes, above the limit of {maxSecretBytes} bytes; raise the limit or store less.");
        }
    }

    /// <summary>
    /// Writes the payload of <paramref name="secret"/> with <paramref name="salt"/> into
    /// <paramref name="payload"/>, which must be <see cref="PayloadBytes"/> long.
    /// </summary>
    public static void Encode(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> salt, Span<byte> payload)
    {
        if (salt.Length != SaltBytes || payload.Length != PayloadBytes(secret.Length))
        {
            throw new ArgumentException("Salt must be 32 bytes and the payload buffer exactly PayloadBytes(secret) long.");
        }
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)secret.Length);
        secret.CopyTo(payload[LengthBytes..]);
        salt.CopyTo(payload[(LengthBytes + secret.Length)..]);
        payload[(LengthBytes + secret.Length + SaltBytes)..].Clear();
    }

    /// <summary>SHA-256 of the padded payload.</summary>
    public static byte[] Commit(ReadOnlySpan<byte> payload) => SHA256.HashData(payload);

    /// <summary>True when <paramref name="payload"/> hashes to <paramref name="commitment"/> (constant-time compare).</summary>
    public static bool Matches(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> commitment)
    {
        Span<byte> hash = stackalloc byte[CommitmentBytes];
        SHA256.HashData(payload, hash);
        return CryptographicOperations.FixedTimeEquals(hash, commitment);
    }

    /// <summary>
    /// The secret inside a payload; throws <see cref="SharingException"/> when the length prefix
    /// or the padding does not fit the payload size.
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < LengthBytes || payload.Length % Gf128.BlockSize != 0)
        {
            throw new SharingException($"A payload of {payload.Length} bytes is not a whole number of 16-byte blocks holding a length prefix.");
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        if (length == 0 || length > MaxConfigurableSecretBytes || PayloadBytes((int)length) != payload.Length)
        {
            throw new SharingException($"The payload's length prefix ({length}) does not fit a payload of {payload.Length} bytes.");
        }
        if (payload[(LengthBytes + (int)length + SaltBytes)..].ContainsAnyExcept((byte)0))
        {
            throw new SharingException("The payload's padding is not zero.");
        }
        return payload.Slice(LengthBytes, (int)length).ToArray();
    }
}
