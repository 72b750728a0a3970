using System.Collections.Concurrent;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace SecretFleet.Node.Storage;

/// <summary>
/// AES-256-GCM under one epoch's sealing key, in the at-rest layout: ciphertext then the 16-byte
/// tag, with a 12-byte nonce. Where the CPU has AES-NI and carry-less multiply, libsodium (NSec)
/// does each seal in one native call; the platform's <see cref="AesGcm"/> makes about six through
/// OpenSSL, and a share-sized seal and open cost 1.5 µs there against 0.3 µs in libsodium
/// (docs/benchmarks.md). Both produce the same bytes, so either opens what the other sealed.
/// </summary>
internal abstract class EpochCipher : IDisposable
{
    public const int TagBytes = 16;

    /// <summary>The fastest implementation this CPU supports.</summary>
    public static EpochCipher Create(ReadOnlySpan<byte> key) => Create(key, preferSodium: true);

    /// <summary>For tests that prove the two implementations agree.</summary>
    internal static EpochCipher Create(ReadOnlySpan<byte> key, bool preferSodium) =>
        preferSodium && Aes256Gcm.IsSupported ? new Sodium(key) : new Platform(key);

    /// <summary>Writes the ciphertext followed by the tag into <paramref name="sealedValue"/> (plaintext length + 16 bytes).</summary>
    public abstract void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> sealedValue, ReadOnlySpan<byte> associatedData);

    /// <summary>False, with <paramref name="plaintext"/> cleared, when the tag does not match.</summary>
    public abstract bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedValue, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);

    public abstract void Dispose();

    // NSec keeps the key in libsodium's guarded memory, zeroed when it is disposed; calls on
    // one key are safe from any thread.
    private sealed class Sodium(ReadOnlySpan<byte> key) : EpochCipher
    {
        private static readonly AeadAlgorithm Algorithm = AeadAlgorithm.Aes256Gcm;
        private readonly Key _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey);

        public override void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> sealedValue, ReadOnlySpan<byte> associatedData) =>
            Algorithm.Encrypt(_key, nonce, associatedData, plaintext, sealedValue);

        public override bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedValue, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            if (Algorithm.Decrypt(_key, nonce, associatedData, sealedValue, plaintext))
            {
                return true;
            }
            plaintext.Clear();
            return false;
        }

        public override void Dispose() => _key.Dispose();
    }

    // AesGcm instances are not documented as thread-safe; a small pool avoids both sharing and a
    // key schedule per call. (A ConcurrentBag's Count locks every thread's list, which showed in
    // refresh profiles; a queue's is cheap.)
    private sealed class Platform(ReadOnlySpan<byte> key) : EpochCipher
    {
        private const int PoolSize = 64;
        private readonly byte[] _key = key.ToArray();
        private readonly ConcurrentQueue<AesGcm> _pool = new();
        private volatile bool _disposed;

        public override void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> sealedValue, ReadOnlySpan<byte> associatedData)
        {
            var cipher = Rent();
            try
            {
                cipher.Encrypt(nonce, plaintext, sealedValue[..plaintext.Length], sealedValue.Slice(plaintext.Length, TagBytes), associatedData);
            }
            finally
            {
                Return(cipher);
            }
        }

        public override bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedValue, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            var cipher = Rent();
            try
            {
                cipher.Decrypt(nonce, sealedValue[..plaintext.Length], sealedValue.Slice(plaintext.Length, TagBytes), plaintext, associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                plaintext.Clear();
                return false;
            }
            finally
            {
                Return(cipher);
            }
        }

        private AesGcm Rent()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _pool.TryDequeue(out var cipher) ? cipher : new AesGcm(_key, TagBytes);
        }

        private void Return(AesGcm cipher)
        {
            if (_pool.Count < PoolSize)
            {
                _pool.Enqueue(cipher);
            }
            else
            {
                cipher.Dispose();
            }
            if (_disposed)
            {
                Drain();
            }
        }

        public override void Dispose()
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
            Drain();
        }

        private void Drain()
        {
            while (_pool.TryDequeue(out var cipher))
            {
                cipher.Dispose();
            }
        }
    }
}
