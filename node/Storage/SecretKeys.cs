using System.Security.Cryptography;
using System.Text;

namespace SecretFleet.Node.Storage;

/// <summary>
/// A secret's storage key: 16 bytes of SHA-256 over its name. Every node derives the same key,
/// so refresh and recovery batches name (secret, version) pairs in fixed 24-byte records and
/// all nodes iterate their shares in the same order.
/// </summary>
internal static class SecretKeys
{
    public const int KeyBytes = 16;
    public const int PairBytes = KeyBytes + sizeof(ulong);
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("secretfleet/secret-key/v1\0");

    public static byte[] For(string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[Domain.Length + nameBytes.Length];
        Domain.CopyTo(input, 0);
        nameBytes.CopyTo(input, Domain.Length);
        return SHA256.HashData(input)[..KeyBytes];
    }
}
