using k8s;
using k8s.Models;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Kube;

/// <summary>Overloads that find the resource from the kind (<see cref="KubeResources.Of{T}"/>), so callers need not name it.</summary>
public static class KubeApiExtensions
{
    public static Task<T?> GetAsync<T>(this IKubeApi api, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).GetAsync<T>(KubeResources.Of<T>(), @namespace, name, cancellationToken);

    public static Task<KubeList<T>> ListAsync<T>(this IKubeApi api, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).ListAsync<T>(KubeResources.Of<T>(), @namespace, options, cancellationToken);

    public static Task<T> CreateAsync<T>(this IKubeApi api, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).CreateAsync(KubeResources.Of<T>(), obj, cancellationToken);

    public static Task<T> ReplaceAsync<T>(this IKubeApi api, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).ReplaceAsync(KubeResources.Of<T>(), obj, cancellationToken);

    public static Task<T> ApplyAsync<T>(this IKubeApi api, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).ApplyAsync(KubeResources.Of<T>(), obj, options, cancellationToken);

    public static Task<T> ApplyStatusAsync<T>(this IKubeApi api, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).ApplyStatusAsync(KubeResources.Of<T>(), obj, options, cancellationToken);

    public static Task<T> PatchAsync<T>(this IKubeApi api, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).PatchAsync<T>(KubeResources.Of<T>(), @namespace, name, patch, cancellationToken);

    public static Task<T> PatchStatusAsync<T>(this IKubeApi api, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).PatchStatusAsync<T>(KubeResources.Of<T>(), @namespace, name, patch, cancellationToken);

    public static IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(this IKubeApi api, string? @namespace, WatchOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Api(api).WatchAsync<T>(KubeResources.Of<T>(), @namespace, options, cancellationToken);

    private static IKubeApi Api(IKubeApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api;
    }
}
