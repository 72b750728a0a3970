using SecretFleet.Kube.Models;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Kube;

/// <summary>Overloads for typed kinds (Pod, Secret, SecretCluster, …) and for <see cref="KubeObject"/>.</summary>
public static class KubeApiExtensions
{
    public static Task<T?> GetAsync<T>(this IKubeApi api, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).GetAsync<T>(T.Resource, @namespace, name, cancellationToken);

    public static Task<KubeList<T>> ListAsync<T>(this IKubeApi api, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).ListAsync<T>(T.Resource, @namespace, options, cancellationToken);

    public static Task<T> CreateAsync<T>(this IKubeApi api, T obj, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).CreateAsync(T.Resource, obj, cancellationToken);

    public static Task<T> ReplaceAsync<T>(this IKubeApi api, T obj, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).ReplaceAsync(T.Resource, obj, cancellationToken);

    public static Task<T> ApplyAsync<T>(this IKubeApi api, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).ApplyAsync(T.Resource, obj, options, cancellationToken);

    public static Task<T> ApplyStatusAsync<T>(this IKubeApi api, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).ApplyStatusAsync(T.Resource, obj, options, cancellationToken);

    public static Task<T> PatchAsync<T>(this IKubeApi api, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).PatchAsync<T>(T.Resource, @namespace, name, patch, cancellationToken);

    public static Task<T> PatchStatusAsync<T>(this IKubeApi api, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).PatchStatusAsync<T>(T.Resource, @namespace, name, patch, cancellationToken);

    public static IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(this IKubeApi api, string? @namespace, WatchOptions? options, CancellationToken cancellationToken)
        where T : class, IKubeObject<T> =>
        Api(api).WatchAsync<T>(T.Resource, @namespace, options, cancellationToken);

    /// <summary>Server-side apply of an untyped object; the resource comes from its apiVersion and kind.</summary>
    public static Task<KubeObject> ApplyAsync(this IKubeApi api, KubeObject obj, ApplyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Api(api).ApplyAsync(obj.Resource, obj, options, cancellationToken);
    }

    private static IKubeApi Api(IKubeApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api;
    }
}
