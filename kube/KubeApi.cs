using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Kube.Config;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Kube;

/// <summary>The REST client behind <see cref="IKubeApi"/>. Thread-safe; create one per process and share it.</summary>
public sealed partial class KubeApi : IKubeApi, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeHeaderValue ApplyType = new("application/apply-patch+yaml");

    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly KubeApiOptions _options;
    private readonly ILogger _log;

    /// <summary>Over any handler (tests pass a fake). Authentication, if any, is the handler's business.</summary>
    public KubeApi(HttpMessageHandler handler, Uri server, KubeApiOptions? options = null, ILogger<KubeApi>? log = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(server);
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _server = server;
        _options = options ?? new KubeApiOptions();
        _log = (ILogger?)log ?? NullLogger.Instance;
    }

    /// <summary>A client for a loaded kubeconfig or in-cluster configuration.</summary>
    public static KubeApi Create(KubeClientConfig config, KubeApiOptions? options = null, ILogger<KubeApi>? log = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new KubeApi(KubeHttpHandler.Create(config), config.Server, options, log);
    }

    public async Task<T?> GetAsync<T>(KubeResource resource, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        try
        {
            return await SendAsync<T>(HttpMethod.Get, resource.ItemPath(@namespace, name), null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (IsObjectNotFound(e, name))
        {
            return null;
        }
    }

    public Task<KubeList<T>> ListAsync<T>(KubeResource resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        var query = new QueryBuilder()
            .Add("labelSelector", options?.LabelSelector)
            .Add("fieldSelector", options?.FieldSelector)
            .Add("limit", options?.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("continue", options?.Continue)
            .Add("resourceVersion", options?.ResourceVersion);
        return SendAsync<KubeList<T>>(HttpMethod.Get, resource.CollectionPath(@namespace) + query, null, null, cancellationToken);
    }

    public Task<T> CreateAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        return SendAsync<T>(HttpMethod.Post, resource.CollectionPath(obj.Metadata.Namespace), Body(obj), JsonType, cancellationToken);
    }

    public Task<T> ReplaceAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        return SendAsync<T>(HttpMethod.Put, resource.ItemPath(obj.Metadata.Namespace, NameOf(obj)), Body(obj), JsonType, cancellationToken);
    }

    public async Task<bool> DeleteAsync(KubeResource resource, string? @namespace, string name, DeleteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        try
        {
            var path = resource.ItemPath(@namespace, name);
            using var response = await SendForResponseAsync(HttpMethod.Delete, path, options?.ToJsonBody(), JsonType, streaming: false, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (IsObjectNotFound(e, name))
        {
            return false;
        }
    }

    public Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubeObject => ApplyAsync(resource, obj, options, null, cancellationToken);

    public Task<T> ApplyStatusAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubeObject => ApplyAsync(resource, obj, options, "status", cancellationToken);

    public Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubeObject => PatchAsync<T>(resource, @namespace, name, patch, null, cancellationToken);

    public Task<T> PatchStatusAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubeObject => PatchAsync<T>(resource, @namespace, name, patch, "status", cancellationToken);

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        KubeResource resource,
        string? @namespace,
        WatchOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        var path = resource.CollectionPath(@namespace);
        var query = new QueryBuilder()
            .Add("watch", "true")
            .Add("allowWatchBookmarks", "true")
            .Add("resourceVersion", options?.ResourceVersion)
            .Add("labelSelector", options?.LabelSelector)
            .Add("fieldSelector", options?.FieldSelector)
            .Add("timeoutSeconds", options?.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture));

        HttpResponseMessage? response = null;
        KubeApiException? gone = null;
        try
        {
            response = await SendForResponseAsync(HttpMethod.Get, path + query, null, null, streaming: true, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsGone)
        {
            gone = e;
        }

        if (response is null)
        {
            LogWatchExpired(_log, path, options?.ResourceVersion);
            yield return new WatchEvent<T>(WatchEventType.Expired, null, gone?.Status);
            yield break;
        }

        using (response)
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await ReadLineAsync(reader, path, cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var ev = WatchStreamReader.Parse<T>(line, path);
                yield return ev;
                if (ev.Type == WatchEventType.Expired)
                {
                    LogWatchExpired(_log, path, options?.ResourceVersion);
                    yield break;
                }
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, string? subresource, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(options);
        if (obj.ApiVersion is null || obj.Kind is null)
        {
            throw new ArgumentException($"Server-side apply needs apiVersion and kind on \"{obj.Metadata.Name}\".", nameof(obj));
        }

        var query = new QueryBuilder()
            .Add("fieldManager", options.FieldManager)
            .Add("force", options.Force ? "true" : "false");

        // JSON is YAML, so the apply body is plain JSON under the apply-patch+yaml content type.
        var path = resource.ItemPath(obj.Metadata.Namespace, NameOf(obj), subresource) + query;
        return SendAsync<T>(HttpMethod.Patch, path, Body(obj), ApplyType, cancellationToken);
    }

    private Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, string? subresource, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(patch);
        var body = Encoding.UTF8.GetBytes(patch.Body.ToJsonString());
        var query = new QueryBuilder().Add("fieldManager", patch.FieldManager);
        return SendAsync<T>(HttpMethod.Patch, resource.ItemPath(@namespace, name, subresource) + query, body, new MediaTypeHeaderValue(patch.ContentType), cancellationToken);
    }

    /// <summary>
    /// A 404 for the object itself, not for a resource the server does not serve (a CRD not installed):
    /// the real API server names the object in the Status details; a server that sends no details is trusted.
    /// </summary>
    private static bool IsObjectNotFound(KubeApiException e, string name) =>
        e.IsNotFound && (e.Status?.Details is null || e.Status.Details.Name == name);

    private static byte[] Body<T>(T obj) => JsonSerializer.SerializeToUtf8Bytes(obj, KubeJson.Options);

    private static string NameOf(IKubeObject obj) =>
        obj.Metadata.Name ?? throw new ArgumentException($"The {obj.Kind ?? "object"} has no metadata.name.", nameof(obj));

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Watch of {Path} from resourceVersion {ResourceVersion} expired (410); the caller re-lists")]
    private static partial void LogWatchExpired(ILogger logger, string path, string? resourceVersion);
}
