using k8s;
using k8s.Models;

namespace SecretFleet.Operator.Controller;

/// <summary>A SecretCluster's work-queue key, <c>namespace/name</c>.</summary>
internal readonly record struct ClusterKey(string Namespace, string Name)
{
    public static ClusterKey Of(IKubernetesObject<V1ObjectMeta> obj) =>
        new(obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name ?? throw new ArgumentException("The object has no name.", nameof(obj)));

    public static ClusterKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < key.Length - 1
            ? new ClusterKey(key[..slash], key[(slash + 1)..])
            : throw new FormatException($"Work-queue key \"{key}\" is not namespace/name.");
    }

    public override string ToString() => $"{Namespace}/{Name}";
}
