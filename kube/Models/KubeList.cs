using k8s.Models;

namespace SecretFleet.Kube.Models;

/// <summary>
/// A LIST response of any kind: the items plus the resourceVersion to watch from. Ours because the library's lists
/// are one class per kind (<c>V1PodList</c>, …) and none for the kinds we type ourselves.
/// </summary>
public sealed record KubeList<T>
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public V1ListMeta Metadata { get; init; } = new();

    public IReadOnlyList<T> Items { get; init; } = [];
}
