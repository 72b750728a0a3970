using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Watch;
using WatchEventType = SecretFleet.Kube.Watch.WatchEventType;

namespace SecretFleet.Kube.Client;

/// <summary>
/// <see cref="IKubeApi"/> over the official client's generic (custom-object) operations, which serve the core
/// group too. Bodies cross the boundary as JSON elements written and read with <see cref="KubeJson"/> (one set of
/// settings for the library's models and ours); the library owns the transport, the credentials and the wire format.
/// Thread-safe; one per process.
/// </summary>
public sealed class KubernetesApi : IKubeApi, IDisposable
{
    private readonly IKubernetes _client;
    private readonly bool _ownsClient;
    private readonly TimeProvider _time;

    /// <param name="client">The process's client. Its HttpClientTimeout bounds each request; watches are exempt.</param>
    /// <param name="time">The clock that Retry-After waits run on.</param>
    /// <param name="ownsClient">Whether disposing this disposes <paramref name="client"/>.</param>
    public KubernetesApi(IKubernetes client, TimeProvider? time = null, bool ownsClient = true)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = time ?? TimeProvider.System;
        _ownsClient = ownsClient;
    }

    /// <summary>The official client this seam sends through (leader election and port-forward use it directly).</summary>
    public IKubernetes Client => _client;

    /// <summary>A client for a loaded kubeconfig or in-cluster configuration.</summary>
    public static KubernetesApi Create(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new KubernetesApi(new Kubernetes(configuration));
    }

    private ICustomObjectsOperations Objects => _client.CustomObjects;

    public async Task<T?> GetAsync<T>(KubeResource resource, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            return await CallAsync<T>(Call("GET", resource.ItemPath(@namespace, name)), ct => resource.Namespaced
                ? Objects.GetNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, Namespace(resource, @namespace, name), resource.Plural, name, cancellationToken: ct)
                : Objects.GetClusterCustomObjectWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, resource.Plural, name, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (IsObjectNotFound(e, name))
        {
            return null;
        }
    }

    public Task<KubeList<T>> ListAsync<T>(KubeResource resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        var o = options ?? new ListOptions();
        return CallAsync<KubeList<T>>(Call("GET", resource.CollectionPath(@namespace)), ct => ListCall(resource, @namespace, o.LabelSelector, o.FieldSelector, o.Limit, o.Continue, o.ResourceVersion, ct), cancellationToken);
    }

    public Task<T> CreateAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        var body = Body(obj);
        return CallAsync<T>(Call("POST", resource.CollectionPath(obj.Metadata?.NamespaceProperty)), ct => resource.Namespaced
            ? Objects.CreateNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, Namespace(resource, obj.Metadata?.NamespaceProperty, obj.Metadata?.Name), resource.Plural, cancellationToken: ct)
            : Objects.CreateClusterCustomObjectWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, resource.Plural, cancellationToken: ct), cancellationToken);
    }

    public Task<T> ReplaceAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        var name = NameOf(obj);
        var body = Body(obj);
        return CallAsync<T>(Call("PUT", resource.ItemPath(obj.Metadata?.NamespaceProperty, name)), ct => resource.Namespaced
            ? Objects.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, Namespace(resource, obj.Metadata?.NamespaceProperty, name), resource.Plural, name, cancellationToken: ct)
            : Objects.ReplaceClusterCustomObjectWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, resource.Plural, name, cancellationToken: ct), cancellationToken);
    }

    public async Task<bool> DeleteAsync(KubeResource resource, string? @namespace, string name, DeleteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var body = options is null ? null : new V1DeleteOptions
        {
            PropagationPolicy = options.PropagationPolicy,
            GracePeriodSeconds = options.GracePeriodSeconds,
            Preconditions = options.PreconditionUid is null && options.PreconditionResourceVersion is null
                ? null
                : new V1Preconditions { Uid = options.PreconditionUid, ResourceVersion = options.PreconditionResourceVersion },
        };
        try
        {
            await KubeErrors.GuardAsync(Call("DELETE", resource.ItemPath(@namespace, name)), async ct =>
            {
                using var response = resource.Namespaced
                    ? await Objects.DeleteNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, Namespace(resource, @namespace, name), resource.Plural, name, body, cancellationToken: ct).ConfigureAwait(false)
                    : await Objects.DeleteClusterCustomObjectWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, resource.Plural, name, body, cancellationToken: ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (IsObjectNotFound(e, name))
        {
            return false;
        }
    }

    public Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => ApplyAsync(resource, obj, options, status: false, cancellationToken);

    public Task<T> ApplyStatusAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => ApplyAsync(resource, obj, options, status: true, cancellationToken);

    public Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = new V1Patch(JsonSerializer.SerializeToElement(patch.Body), PatchTypeOf(patch.Type));
        return PatchAsync<T>(resource, @namespace, name, body, patch.FieldManager, force: null, status: false, cancellationToken);
    }

    public Task<T> PatchStatusAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = new V1Patch(JsonSerializer.SerializeToElement(patch.Body), PatchTypeOf(patch.Type));
        return PatchAsync<T>(resource, @namespace, name, body, patch.FieldManager, force: null, status: true, cancellationToken);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        KubeResource resource,
        string? @namespace,
        WatchOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        var o = options ?? new WatchOptions();
        if (!resource.Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{resource.Plural} are cluster-scoped; pass no namespace (got \"{@namespace}\").", nameof(@namespace));
        }

        // The library hands ERROR events (a Status object) to the error callback instead of the sequence.
        Exception? failure = null;
        Action<Exception> onError = e => failure ??= e;
        var events = !resource.Namespaced
            ? Objects.WatchListClusterCustomObjectAsync(resource.Group, resource.Version, resource.Plural, true, null, o.FieldSelector, o.LabelSelector, null, o.ResourceVersion, null, o.TimeoutSeconds, null, onError, cancellationToken)
            : string.IsNullOrEmpty(@namespace)
                ? Objects.WatchListCustomObjectForAllNamespacesAsync(resource.Group, resource.Version, resource.Plural, true, null, o.FieldSelector, o.LabelSelector, null, o.ResourceVersion, null, o.TimeoutSeconds, null, onError, cancellationToken)
                : Objects.WatchListNamespacedCustomObjectAsync(resource.Group, resource.Version, @namespace, resource.Plural, true, null, o.FieldSelector, o.LabelSelector, null, o.ResourceVersion, null, o.TimeoutSeconds, null, onError, cancellationToken);
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            KubeApiException? gone = null;
            try
            {
                more = await KubeErrors.GuardAsync(Call("WATCH", resource.CollectionPath(@namespace)), _ => enumerator.MoveNextAsync().AsTask(), cancellationToken, retry: false).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                // The version asked for is older than the server keeps (HTTP 410 on the request itself).
                gone = e;
                more = false;
            }

            if (gone is not null)
            {
                yield return new WatchEvent<T>(WatchEventType.Expired, null, gone.Status);
                yield break;
            }

            if (failure is not null || !more)
            {
                break;
            }

            var (type, obj) = enumerator.Current;
            var element = obj is JsonElement e2 ? e2 : JsonSerializer.SerializeToElement(obj);
            yield return new WatchEvent<T>(EventTypeOf(type, resource), Read<T>(element, $"WATCH {resource}"));
        }

        switch (failure)
        {
            case null:
                yield break;
            case KubernetesException { Status: { } status } when status.Code == 410 || status.Reason is "Expired" or "Gone":
                yield return new WatchEvent<T>(WatchEventType.Expired, null, status);
                yield break;
            case KubernetesException { Status: { } status }:
                throw new KubeApiException($"WATCH {resource}: the server ended the watch with {status.Code} {status.Reason}: {status.Message}", (System.Net.HttpStatusCode?)status.Code, status);
            case IOException or HttpRequestException:
                throw new KubeApiException($"WATCH {resource}: the connection to the API server dropped: {failure.Message}", failure);
            default:
                throw new KubeApiException($"WATCH {resource}: the stream is corrupt: {failure.Message}", failure);
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, bool status, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(options);
        if (obj.ApiVersion is null || obj.Kind is null)
        {
            throw new ArgumentException($"Server-side apply needs apiVersion and kind on \"{obj.Metadata?.Name}\".", nameof(obj));
        }

        var body = new V1Patch(Body(obj), V1Patch.PatchType.ApplyPatch);
        return PatchAsync<T>(resource, obj.Metadata?.NamespaceProperty, NameOf(obj), body, options.FieldManager, options.Force, status, cancellationToken);
    }

    private Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, V1Patch body, string? fieldManager, bool? force, bool status, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return CallAsync<T>(Call("PATCH", resource.ItemPath(@namespace, name, status ? "status" : null)), ct => (resource.Namespaced, status) switch
        {
            (true, false) => Objects.PatchNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, Namespace(resource, @namespace, name), resource.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: ct),
            (true, true) => Objects.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, Namespace(resource, @namespace, name), resource.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: ct),
            (false, false) => Objects.PatchClusterCustomObjectWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, resource.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: ct),
            (false, true) => Objects.PatchClusterCustomObjectStatusWithHttpMessagesAsync<JsonElement>(body, resource.Group, resource.Version, resource.Plural, name, fieldManager: fieldManager, force: force, cancellationToken: ct),
        }, cancellationToken);
    }

    private Task<HttpOperationResponse<JsonElement>> ListCall(
        KubeResource resource, string? @namespace, string? labelSelector, string? fieldSelector, int? limit, string? continueToken,
        string? resourceVersion, CancellationToken cancellationToken)
    {
        if (!resource.Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{resource.Plural} are cluster-scoped; pass no namespace (got \"{@namespace}\").", nameof(@namespace));
        }

        return !resource.Namespaced
            ? Objects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, resource.Plural, null, continueToken, fieldSelector, labelSelector, limit, resourceVersion, null, null, null, cancellationToken: cancellationToken)
            : string.IsNullOrEmpty(@namespace)
                ? Objects.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, resource.Plural, null, continueToken, fieldSelector, labelSelector, limit, resourceVersion, null, null, null, cancellationToken: cancellationToken)
                : Objects.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(resource.Group, resource.Version, @namespace, resource.Plural, null, continueToken, fieldSelector, labelSelector, limit, resourceVersion, null, null, null, cancellationToken: cancellationToken);
    }

    private static async Task<T> CallAsync<T>(KubeCall where, Func<CancellationToken, Task<HttpOperationResponse<JsonElement>>> call, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await KubeErrors.GuardAsync(where, call, cancellationToken).ConfigureAwait(false);
        return Read<T>(response.Body, where.ToString());
    }

    private KubeCall Call(string verb, string path) => new(verb, path, _client.BaseUri, _time);

    private static T Read<T>(JsonElement element, string where)
        where T : class
    {
        try
        {
            return element.Deserialize<T>(KubeJson.Options)
                ?? throw new KubeApiException($"{where}: the server answered with an empty body.");
        }
        catch (JsonException e)
        {
            throw new KubeApiException($"{where}: the response is not a valid {typeof(T).Name} ({e.Message}).", e);
        }
    }

    private static JsonElement Body<T>(T obj) => JsonSerializer.SerializeToElement(obj, KubeJson.Options);

    private static WatchEventType EventTypeOf(k8s.WatchEventType type, KubeResource resource) => type switch
    {
        k8s.WatchEventType.Added => WatchEventType.Added,
        k8s.WatchEventType.Modified => WatchEventType.Modified,
        k8s.WatchEventType.Deleted => WatchEventType.Deleted,
        k8s.WatchEventType.Bookmark => WatchEventType.Bookmark,
        _ => throw new KubeApiException($"WATCH {resource}: unknown event type \"{type}\": the stream is corrupt."),
    };

    private static V1Patch.PatchType PatchTypeOf(KubePatchType type) => type switch
    {
        KubePatchType.Merge => V1Patch.PatchType.MergePatch,
        KubePatchType.Json => V1Patch.PatchType.JsonPatch,
        KubePatchType.StrategicMerge => V1Patch.PatchType.StrategicMergePatch,
        _ => throw new InvalidOperationException($"Unknown patch type {type}."),
    };

    private static string Namespace(KubeResource resource, string? @namespace, string? name) =>
        string.IsNullOrEmpty(@namespace)
            ? throw new ArgumentException($"{resource.Plural} are namespaced; pass the namespace of \"{name}\".", nameof(@namespace))
            : @namespace;

    /// <summary>
    /// A 404 for the object itself, not for a resource the server does not serve (a CRD not installed):
    /// the real API server names the object in the Status details; a server that sends no details is trusted.
    /// </summary>
    private static bool IsObjectNotFound(KubeApiException e, string name) =>
        e.IsNotFound && (e.Status?.Details is null || e.Status.Details.Name == name);

    private static string NameOf(IKubernetesObject<V1ObjectMeta> obj) =>
        obj.Metadata?.Name ?? throw new ArgumentException($"The {obj.Kind ?? "object"} has no metadata.name.", nameof(obj));
}
