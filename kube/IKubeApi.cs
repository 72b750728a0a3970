using k8s;
using k8s.Models;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Kube;

/// <summary>
/// The Kubernetes API as SecretFleet uses it, over typed kinds: the library's <c>k8s.Models</c> (V1Pod, V1Secret, …)
/// and our own (SecretCluster, cert-manager's Certificate and Issuer), all <see cref="IKubernetesObject{V1ObjectMeta}"/>.
/// Errors are <see cref="KubeApiException"/>; "not there" on a read or delete is a value (null / false). Shorter
/// overloads that find the resource from the kind are in <see cref="KubeApiExtensions"/>.
/// </summary>
public interface IKubeApi
{
    /// <summary>GET one object; null when it does not exist.</summary>
    Task<T?> GetAsync<T>(KubeResource resource, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>LIST; a null namespace lists across all namespaces.</summary>
    Task<KubeList<T>> ListAsync<T>(KubeResource resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>POST. An existing namesake fails with <see cref="KubeApiException.IsAlreadyExists"/>.</summary>
    Task<T> CreateAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT. With metadata.resourceVersion set, a concurrent change fails with <see cref="KubeApiException.IsConflict"/>.</summary>
    Task<T> ReplaceAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>DELETE; false when it did not exist. True means deletion started (finalizers may still hold it).</summary>
    Task<bool> DeleteAsync(KubeResource resource, string? @namespace, string name, DeleteOptions? options, CancellationToken cancellationToken);

    /// <summary>Server-side apply: PATCH application/apply-patch+yaml with fieldManager and force.</summary>
    Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Server-side apply of the status subresource (/status); only status fields are taken.</summary>
    Task<T> ApplyStatusAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PATCH the object (merge, JSON or strategic merge patch).</summary>
    Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PATCH the status subresource (/status).</summary>
    Task<T> PatchStatusAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// WATCH with bookmarks. The sequence ends when the server closes the stream (reconnect from the last
    /// <see cref="WatchEvent{T}.ResourceVersion"/>) or after an <see cref="Watch.WatchEventType.Expired"/> event
    /// (list again). A dropped connection throws a transient <see cref="KubeApiException"/>.
    /// <see cref="ListWatch{T}"/> does all of that for you.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(KubeResource resource, string? @namespace, WatchOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
