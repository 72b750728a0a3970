using System.Security.Cryptography;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// Node i's sealing-key Secret <c>NAME-node-i-key</c>: 32 bytes in <c>node.key</c>, mounted by pod <c>NAME-i</c>
/// alone, so one compromised pod exposes one key. A key is created once and never rewritten: a different key
/// would make that node's stored shares unreadable.
/// </summary>
internal static class NodeKeySecretSpec
{
    public const int KeyBytes = 32;

    /// <summary>Fresh key material from the system CSPRNG.</summary>
    public static byte[] NewKey(int ordinal) => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>The Secret holding <paramref name="key"/> for node <paramref name="ordinal"/>.</summary>
    public static V1Secret Build(SecretCluster cluster, int ordinal, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyBytes)
        {
            throw new InvalidOperationException($"A node key must be {KeyBytes} bytes, not {key.Length}.");
        }

        var names = ChildNames.Of(cluster);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = ChildMetadata.For(cluster, names.NodeKeySecret(ordinal), ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Node, ordinal)),
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { [ChildNames.NodeKeyFile] = key },
        };
    }

    /// <summary>The key a Secret holds, if it holds a well-formed one.</summary>
    public static byte[]? KeyOf(V1Secret? secret) =>
        secret?.Data is { } data && data.TryGetValue(ChildNames.NodeKeyFile, out var key) && key.Length == KeyBytes ? key : null;

    /// <summary>Node <paramref name="ordinal"/>'s key in the shared Secret <c>NAME-node-keys</c> of older fleets, if there.</summary>
    public static byte[]? LegacyKeyOf(V1Secret? legacy, int ordinal) =>
        legacy?.Data is { } data && data.TryGetValue(ChildNames.LegacyNodeKeyFile(ordinal), out var key) && key.Length == KeyBytes ? key : null;
}
