using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Seals share values at rest with AES-256-GCM. The associated data binds a sealed value to
/// (secret key, version, epoch, x): a row copied to another secret, version, epoch or node
/// fails to open instead of yielding a wrong share.
/// </summary>
internal sealed class ShareSealer(NodeKey key, byte x)
{
    public const int NonceBytes = 12;
    public const int TagBytes = 16;
    private const byte FormatVersion = 1;
    private const int HeaderBytes = 1 + NonceBytes;
    private const int AssociatedDataBytes = SecretKeys.KeyBytes + sizeof(ulong) + sizeof(ulong) + 1;

    private readonly ConcurrentDictionary<ulong, ConcurrentQueue<AesGcm>> _ciphers = new();

    public byte X => x;

    public static int SealedLength(int valueLength) => HeaderBytes + valueLength + TagBytes;

    public byte[] Seal(ReadOnlySpan<byte> secretKey, ulong version, ulong epoch, ReadOnlySpan<byte> value)
    {
        var sealedValue = new byte[SealedLength(value.Length)];
        sealedValue[0] = FormatVersion;
        var nonce = sealedValue.AsSpan(1, NonceBytes);
        NextNonce(nonce);
        Span<byte> ad = stackalloc byte[AssociatedDataBytes];
        WriteAssociatedData(ad, secretKey, version, epoch);
        var cipher = Rent(epoch);
        try
        {
            cipher.Encrypt(nonce, value, sealedValue.AsSpan(HeaderBytes, value.Length), sealedValue.AsSpan(HeaderBytes + value.Length), ad);
        }
        finally
        {
            Return(epoch, cipher);
        }
        return sealedValue;
    }

    /// <summary>Opens a sealed value into <paramref name="value"/>; false when it was tampered with or belongs elsewhere.</summary>
    public bool TryOpen(ReadOnlySpan<byte> secretKey, ulong version, ulong epoch, ReadOnlySpan<byte> sealedValue, Span<byte> value)
    {
        if (sealedValue.Length < HeaderBytes + TagBytes || sealedValue[0] != FormatVersion || value.Length != sealedValue.Length - HeaderBytes - TagBytes)
        {
            return false;
        }
        Span<byte> ad = stackalloc byte[AssociatedDataBytes];
        WriteAssociatedData(ad, secretKey, version, epoch);
        var cipher = Rent(epoch);
        try
        {
            cipher.Decrypt(sealedValue.Slice(1, NonceBytes), sealedValue.Slice(HeaderBytes, value.Length), sealedValue[^TagBytes..], value, ad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            value.Clear();
            return false;
        }
        finally
        {
            Return(epoch, cipher);
        }
    }

    // A CSPRNG call costs about the same for 12 bytes as for 3 KB: draw nonces 256 at a time
    // per thread and wipe each one from the pool as it is handed out.
    [ThreadStatic]
    private static byte[]? t_nonces;

    [ThreadStatic]
    private static int t_nextNonce;

    private static void NextNonce(Span<byte> nonce)
    {
        var pool = t_nonces ??= new byte[NonceBytes * 256];
        if (t_nextNonce == 0)
        {
            RandomNumberGenerator.Fill(pool);
        }
        var slice = pool.AsSpan(t_nextNonce, NonceBytes);
        slice.CopyTo(nonce);
        slice.Clear();
        t_nextNonce = (t_nextNonce + NonceBytes) % pool.Length;
    }

    public static int OpenedLength(int sealedLength) => Math.Max(0, sealedLength - HeaderBytes - TagBytes);

    /// <summary>Drops ciphers of epochs before <paramref name="epoch"/> once they are erased.</summary>
    public void ForgetBefore(ulong epoch)
    {
        foreach (var old in _ciphers.Keys.Where(e => e < epoch).ToArray())
        {
            if (_ciphers.TryRemove(old, out var pool))
            {
                while (pool.TryDequeue(out var cipher))
                {
                    cipher.Dispose();
                }
            }
        }
        key.ForgetBefore(epoch);
    }

    private void WriteAssociatedData(Span<byte> ad, ReadOnlySpan<byte> secretKey, ulong version, ulong epoch)
    {
        secretKey.CopyTo(ad);
        BinaryPrimitives.WriteUInt64BigEndian(ad[SecretKeys.KeyBytes..], version);
        BinaryPrimitives.WriteUInt64BigEndian(ad[(SecretKeys.KeyBytes + 8)..], epoch);
        ad[^1] = x;
    }

    // AesGcm instances are not documented as thread-safe; a small pool per epoch avoids both
    // sharing and a key schedule per call. (A ConcurrentBag's Count locks every thread's list,
    // which showed in refresh profiles; a queue's is cheap.)
    private AesGcm Rent(ulong epoch)
    {
        var pool = _ciphers.GetOrAdd(epoch, static _ => new ConcurrentQueue<AesGcm>());
        return pool.TryDequeue(out var cipher) ? cipher : new AesGcm(key.ForEpoch(epoch), TagBytes);
    }

    private void Return(ulong epoch, AesGcm cipher)
    {
        if (_ciphers.TryGetValue(epoch, out var pool) && pool.Count < 64)
        {
            pool.Enqueue(cipher);
        }
        else
        {
            cipher.Dispose();
        }
    }
}
