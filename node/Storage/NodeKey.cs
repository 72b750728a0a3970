using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecretFleet.Node.Storage;

/// <summary>
/// The node's 256-bit key from its key file (a Kubernetes Secret, or a file of the local fleet).
/// It seals no share itself: it wraps the node's <see cref="SealingChain"/> keys, which change at
/// every refresh. Databases written before that (format 1) sealed shares under per-epoch keys
/// derived from it directly; those are read once, to re-seal them, and never written again.
/// </summary>
internal sealed class NodeKey : IDisposable
{
    public const int KeyBytes = 32;
    private readonly byte[] _key;

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

    /// <summary>A key for one purpose, derived with HKDF and <paramref name="label"/> as its info.</summary>
    public byte[] DeriveKey(ReadOnlySpan<byte> label) => HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeyBytes, salt: [], info: label.ToArray());

    /// <summary>The key format-1 databases sealed epoch <paramref name="epoch"/> under (read only, to re-seal).</summary>
    public byte[] LegacyEpochKey(ulong epoch)
    {
        var label = "secretfleet share seal v1 epoch "u8;
        var info = new byte[label.Length + sizeof(ulong)];
        label.CopyTo(info);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(label.Length), epoch);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeyBytes, salt: [], info: info);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
