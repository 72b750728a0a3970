using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SecretFleet.Node.Storage;

/// <summary>
/// The node's 256-bit sealing key. Shares are sealed under a per-epoch subkey derived with
/// HKDF, so each AES-GCM key seals at most one epoch's rows and random 96-bit nonces stay
/// far from their collision bound however many epochs a fleet lives through.
/// </summary>
internal sealed class NodeKey : IDisposable
{
    public const int KeyBytes = 32;
    private readonly byte[] _key;
    private readonly ConcurrentDictionary<ulong, byte[]> _epochKeys = new();

    private NodeKey(byte[] key) => _key = key;

    public static NodeKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyBytes)
        {
            throw new NodeConfigurationException($"The node key must be {KeyBytes} bytes, not {key.Length}.");
        }
        return new NodeKey(key.ToArray());
    }

    /// <summary>Reads a key file holding 32 raw bytes or their base64 text (as a Kubernetes Secret mounts it).</summary>
    public static NodeKey Load(string path)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeConfigurationException($"Cannot read the node key file '{path}' ({e.Message}); create it with `kubectl secrets local up` or mount the key Secret.");
        }
        try
        {
            if (content.Length == KeyBytes)
            {
                return new NodeKey(content);
            }
            var text = Encoding.ASCII.GetString(content).Trim();
            var decoded = Convert.FromBase64String(text);
            CryptographicOperations.ZeroMemory(content);
            return decoded.Length == KeyBytes
                ? new NodeKey(decoded)
                : throw new NodeConfigurationException($"The node key file '{path}' holds {decoded.Length} bytes after base64 decoding; it must hold {KeyBytes}.");
        }
        catch (FormatException)
        {
            throw new NodeConfigurationException($"The node key file '{path}' is neither {KeyBytes} raw bytes nor base64 text.");
        }
    }

    /// <summary>Creates a file with a fresh random key, readable by the owner only.</summary>
    public static void CreateFile(string path)
    {
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var stream = new FileStream(path, options);
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public byte[] ForEpoch(ulong epoch) => _epochKeys.GetOrAdd(epoch, static (e, master) =>
    {
        var label = "secretfleet share seal v1 epoch "u8;
        var info = new byte[label.Length + sizeof(ulong)];
        label.CopyTo(info);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(label.Length), e);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, master, KeyBytes, salt: [], info: info);
    }, _key);

    /// <summary>Drops the subkeys of epochs before <paramref name="epoch"/>: old epochs are erased, so are their keys.</summary>
    public void ForgetBefore(ulong epoch)
    {
        foreach (var old in _epochKeys.Keys.Where(e => e < epoch).ToArray())
        {
            if (_epochKeys.TryRemove(old, out var key))
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        ForgetBefore(ulong.MaxValue);
    }
}
