using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecretFleet.Node.Storage;

/// <summary>
/// How format-1 databases sealed share values: AES-256-GCM under a key derived from the node key
/// and the epoch alone, with (secret key, version, epoch, x) as associated data. Read only by the
/// upgrade that re-seals every value under a <see cref="SealingChain"/>; nothing is sealed this way.
/// </summary>
internal static class LegacySealing
{
    private const byte FormatVersion = 1;
    private const int HeaderBytes = 1 + ShareSealer.NonceBytes;
    private static readonly byte[] KeyCheckSecretKey = new byte[SecretKeys.KeyBytes];
    private static readonly byte[] KeyCheckValue = "secretfleet node key check"u8.ToArray();

    public static bool TryOpen(byte[] epochKey, byte x, ReadOnlySpan<byte> secretKey, ulong version, ulong epoch, ReadOnlySpan<byte> sealedValue, Span<byte> value)
    {
        if (sealedValue.Length < HeaderBytes + ShareSealer.TagBytes || sealedValue[0] != FormatVersion || value.Length != sealedValue.Length - HeaderBytes - ShareSealer.TagBytes)
        {
            return false;
        }
        Span<byte> ad = stackalloc byte[SecretKeys.KeyBytes + 17];
        secretKey.CopyTo(ad);
        BinaryPrimitives.WriteUInt64BigEndian(ad[SecretKeys.KeyBytes..], version);
        BinaryPrimitives.WriteUInt64BigEndian(ad[(SecretKeys.KeyBytes + 8)..], epoch);
        ad[^1] = x;
        using var aes = new AesGcm(epochKey, ShareSealer.TagBytes);
        try
        {
            aes.Decrypt(sealedValue.Slice(1, ShareSealer.NonceBytes), sealedValue.Slice(HeaderBytes, value.Length), sealedValue[^ShareSealer.TagBytes..], value, ad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            value.Clear();
            return false;
        }
    }

    /// <summary>Whether the node key opens the format-1 key check (sealed at epoch 0 when the database was created).</summary>
    public static bool KeyCheckOpens(NodeKey nodeKey, byte x, byte[] check)
    {
        var opened = new byte[Math.Max(0, check.Length - HeaderBytes - ShareSealer.TagBytes)];
        var epochKey = nodeKey.LegacyEpochKey(0);
        try
        {
            return TryOpen(epochKey, x, KeyCheckSecretKey, 0, 0, check, opened) && opened.AsSpan().SequenceEqual(KeyCheckValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(epochKey);
        }
    }
}
