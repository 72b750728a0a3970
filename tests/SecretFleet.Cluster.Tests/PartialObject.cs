using k8s;
using k8s.Models;

namespace SecretFleet.Cluster.Tests;

/// <summary>
/// Any kind read as apiVersion, kind and metadata only: what checks of existence, ownership and labels need
/// (metav1.PartialObjectMetadata, which this version of the library does not generate).
/// </summary>
public sealed record PartialObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();
}
