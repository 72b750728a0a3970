using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SecretFleet.Node.Storage;

/// <summary>
/// The keys that seal share values: a random 256-bit chain key, replaced by a fresh one at every
/// refresh commit, from which one AES-256-GCM key per epoch is derived (HKDF). On disk each
/// chain key is stored only wrapped under the node key (the Secret or key file), so a copied
/// database without the node key opens nothing; and once a refresh commits, the old chain key
/// is gone from the database (the row is overwritten under secure_delete and the WAL truncated)
/// and, after the commit settles, from memory: the node key and everything on disk later open
/// nothing of an erased epoch.
/// </summary>
internal sealed class SealingChain : IDisposable
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] WrapLabel = "secretfleet/seal-chain-wrap/v2"u8.ToArray();
    private static readonly byte[] EpochLabel = "secretfleet/share-seal/v2/epoch "u8.ToArray();
    private readonly byte[] _chainKey;
    private readonly ConcurrentDictionary<ulong, byte[]> _epochKeys = new();
    private volatile bool _disposed;

    private SealingChain(byte[] chainKey) => _chainKey = chainKey;

    /// <summary>A fresh chain key from the CSPRNG.</summary>
    public static SealingChain Create() => new(RandomNumberGenerator.GetBytes(NodeKey.KeyBytes));

    /// <summary>Opens a wrapped chain key; null when the node key is not the one that wrapped it.</summary>
    public static SealingChain? Unwrap(NodeKey nodeKey, string wrapped)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(wrapped);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length != NonceBytes + NodeKey.KeyBytes + TagBytes)
        {
            return null;
        }
        var chainKey = new byte[NodeKey.KeyBytes];
        using var aes = new AesGcm(nodeKey.DeriveKey(WrapLabel), TagBytes);
        try
        {
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, NodeKey.KeyBytes), bytes.AsSpan(NonceBytes + NodeKey.KeyBytes), chainKey, WrapLabel);
            return new SealingChain(chainKey);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>The chain key wrapped under the node key, as stored in node_state.</summary>
    public string Wrap(NodeKey nodeKey)
    {
        var bytes = new byte[NonceBytes + NodeKey.KeyBytes + TagBytes];
        RandomNumberGenerator.Fill(bytes.AsSpan(0, NonceBytes));
        using var aes = new AesGcm(nodeKey.DeriveKey(WrapLabel), TagBytes);
        aes.Encrypt(bytes.AsSpan(0, NonceBytes), _chainKey, bytes.AsSpan(NonceBytes, NodeKey.KeyBytes), bytes.AsSpan(NonceBytes + NodeKey.KeyBytes), WrapLabel);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The AES-256-GCM key of <paramref name="epoch"/> (each key seals at most one epoch's rows).</summary>
    /// <exception cref="ObjectDisposedException">The chain key was erased: no key is derived from its zeroed bytes.</exception>
    public byte[] ForEpoch(ulong epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _epochKeys.GetOrAdd(epoch, static (e, chain) =>
        {
            var info = new byte[EpochLabel.Length + sizeof(ulong)];
            EpochLabel.CopyTo(info, 0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(EpochLabel.Length), e);
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, chain, NodeKey.KeyBytes, salt: [], info: info);
        }, _chainKey);
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_chainKey);
        foreach (var key in _epochKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
        _epochKeys.Clear();
    }

    public override string ToString() => "sealing chain key (not shown)";
}
