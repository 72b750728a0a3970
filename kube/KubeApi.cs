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

    private readonly HttpClient http;
    private readonly Uri server;
    private readonly KubeApiOptions options;
    private readonly ILogger log;

    /// <summary>Over any handler (tests pass a fake). Authentication, if any, is the handler's business.</summary>
    public KubeApi(HttpMessageHandler handler, Uri server, KubeApiOptions? options = null, ILogger<KubeApi>? log = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(server);
        http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        this.server = server;
        this.options = options ?? new KubeApiOptions();
        this.log = (ILogger?)log ?? NullLogger.Instance;
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
            using var response = await SendForResponseAsync(HttpMethod.Delete, path, DeleteBody(options), JsonType, streaming: false, cancellationToken).ConfigureAwait(false);
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
            LogWatchExpired(log, path, options?.ResourceVersion);
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
                    LogWatchExpired(log, path, options?.ResourceVersion);
                    yield break;
                }
            }
        }
    }

    public void Dispose() => http.Dispose();

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
        return SendAsync<T>(HttpMethod.Patch, resource.ItemPath(@namespace, name, subresource), body, new MediaTypeHeaderValue(patch.ContentType), cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, byte[]? body, MediaTypeHeaderValue? contentType, CancellationToken cancellationToken)
    {
        // The body is already buffered (ResponseContentRead), so the request timeout has covered it.
        using var response = await SendForResponseAsync(method, pathAndQuery, body, contentType, streaming: false, cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<T>(stream, KubeJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: the server answered with an empty body.", response.StatusCode);
        }
        catch (JsonException e)
        {
            throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: the response is not a valid {typeof(T).Name} ({e.Message}).", response.StatusCode, innerException: e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: reading the response from {server} failed: {e.Message}", innerException: e);
        }
    }

    /// <summary>Sends, retries throttled requests as the server asks, and turns error responses into exceptions.</summary>
    private async Task<HttpResponseMessage> SendForResponseAsync(
        HttpMethod method, string pathAndQuery, byte[]? body, MediaTypeHeaderValue? contentType, bool streaming, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(server, pathAndQuery));
            request.Headers.Accept.Add(AcceptJson);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = contentType;
            }

            HttpResponseMessage response;
            using (var timeout = new CancellationTokenSource(options.RequestTimeout, options.TimeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    var completion = streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
                    response = await http.SendAsync(request, completion, linked.Token).ConfigureAwait(false);
                }
                catch (KubeConfigException e)
                {
                    throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: no credentials: {e.Message}", e);
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    var what = e is OperationCanceledException ? $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s" : e.Message;
                    throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: could not reach the API server at {server}: {what}", innerException: e);
                }
            }

            LogResponse(log, method.Method, PathOnly(pathAndQuery), (int)response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var error = await ErrorFromAsync(method, pathAndQuery, response, cancellationToken).ConfigureAwait(false);
                if (error.RetryAfter is { } wait && error.IsTransient && attempt < options.MaxRetries)
                {
                    var delay = wait < options.MaxRetryAfter ? wait : options.MaxRetryAfter;
                    LogThrottled(log, method.Method, PathOnly(pathAndQuery), (int)response.StatusCode, delay.TotalSeconds, attempt + 1);
                    await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw error;
            }
        }
    }

    private async Task<KubeApiException> ErrorFromAsync(HttpMethod method, string pathAndQuery, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            text = "";
        }

        ApiStatus? status = null;
        try
        {
            status = text.StartsWith('{') ? JsonSerializer.Deserialize<ApiStatus>(text, KubeJson.Options) : null;
        }
        catch (JsonException)
        {
            // Not a Status object (a proxy's HTML page, say): the status code alone has to do.
        }

        var retryAfter = RetryAfterOf(response, status);
        var code = (int)response.StatusCode;
        var detail = status?.Message ?? (text.Length > 200 ? text[..200] + "…" : text).Trim();
        var reason = status?.Reason ?? response.ReasonPhrase;
        return new KubeApiException($"{method} {PathOnly(pathAndQuery)}: {code} {reason}: {detail}", response.StatusCode, status, retryAfter);

        TimeSpan? RetryAfterOf(HttpResponseMessage r, ApiStatus? s)
        {
            if (r.Headers.RetryAfter?.Delta is { } delta)
            {
                return delta;
            }

            if (r.Headers.RetryAfter?.Date is { } date)
            {
                var wait = date - options.TimeProvider.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return s?.Details?.RetryAfterSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null;
        }
    }

    private async Task<string?> ReadLineAsync(StreamReader reader, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new KubeApiException($"WATCH {path}: the connection to {server} dropped: {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// A 404 for the object itself, not for a resource the server does not serve (a CRD not installed):
    /// the real API server names the object in the Status details; a server that sends no details is trusted.
    /// </summary>
    private static bool IsObjectNotFound(KubeApiException e, string name) =>
        e.IsNotFound && (e.Status?.Details is null || e.Status.Details.Name == name);

    private static byte[] Body<T>(T obj) => JsonSerializer.SerializeToUtf8Bytes(obj, KubeJson.Options);

    private static byte[]? DeleteBody(DeleteOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var body = new System.Text.Json.Nodes.JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions" };
        if (options.PropagationPolicy is not null)
        {
            body["propagationPolicy"] = options.PropagationPolicy;
        }

        if (options.GracePeriodSeconds is not null)
        {
            body["gracePeriodSeconds"] = options.GracePeriodSeconds;
        }

        if (options.PreconditionUid is not null || options.PreconditionResourceVersion is not null)
        {
            var preconditions = new System.Text.Json.Nodes.JsonObject();
            if (options.PreconditionUid is not null)
            {
                preconditions["uid"] = options.PreconditionUid;
            }

            if (options.PreconditionResourceVersion is not null)
            {
                preconditions["resourceVersion"] = options.PreconditionResourceVersion;
            }

            body["preconditions"] = preconditions;
        }

        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private static string NameOf(IKubeObject obj) =>
        obj.Metadata.Name ?? throw new ArgumentException($"The {obj.Kind ?? "object"} has no metadata.name.", nameof(obj));

    private static string PathOnly(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? pathAndQuery : pathAndQuery[..q];
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status}")]
    private static partial void LogResponse(ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{Method} {Path} answered {Status}; retrying in {Seconds} s as the server asked (attempt {Attempt})")]
    private static partial void LogThrottled(ILogger logger, string method, string path, int status, double seconds, int attempt);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Watch of {Path} from resourceVersion {ResourceVersion} expired (410); the caller re-lists")]
    private static partial void LogWatchExpired(ILogger logger, string path, string? resourceVersion);
}
