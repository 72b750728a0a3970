using System.Security.Cryptography;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The Secret <c>NAME-node-keys</c>: one 32-byte sealing key per ordinal (<c>node-i.key</c>), mounted by every
/// pod; node i picks its own. Keys are only ever added: rewriting one would make that node's stored shares
/// unreadable, so the operator creates the Secret when missing and adds keys for new ordinals, nothing else.
/// </summary>
internal static class NodeKeysSecretSpec
{
    public const int KeyBytes = 32;

    /// <summary>Fresh key material from the system CSPRNG.</summary>
    public static byte[] NewKey(int ordinal) => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>The Secret to create when there is none, with keys for ordinals 0..replicas-1.</summary>
    public static Secret Build(SecretCluster cluster, int replicas, Func<int, byte[]>? newKey = null)
    {
        var names = ChildNames.Of(cluster);
        return new Secret
        {
            Metadata = ChildMetadata.For(cluster, names.NodeKeysSecret, LabelsAndAnnotations.Components.Node),
            Type = "Opaque",
            Data = MissingKeys(null, replicas, newKey),
        };
    }

    /// <summary>Keys for the ordinals below <paramref name="replicas"/> that <paramref name="existing"/> lacks (all when null).</summary>
    public static IReadOnlyDictionary<string, byte[]> MissingKeys(Secret? existing, int replicas, Func<int, byte[]>? newKey = null)
    {
        newKey ??= NewKey;
        var missing = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            var file = ChildNames.NodeKeyFile(ordinal);
            if (existing?.Data is null || !existing.Data.ContainsKey(file))
            {
                var key = newKey(ordinal);
                if (key.Length != KeyBytes)
                {
                    throw new InvalidOperationException($"A node key must be {KeyBytes} bytes, not {key.Length}.");
                }

                missing[file] = key;
            }
        }

        return missing;
    }
}
