using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SecretFleet.Kube.Config;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;

namespace SecretFleet.Kube;

// The HTTP half of KubeApi: sending, Retry-After, and turning error answers into KubeApiException.
public sealed partial class KubeApi
{
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
            throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: reading the response from {_server} failed: {e.Message}", innerException: e);
        }
    }

    /// <summary>Sends, retries throttled requests as the server asks, and turns error responses into exceptions.</summary>
    private async Task<HttpResponseMessage> SendForResponseAsync(
        HttpMethod method, string pathAndQuery, byte[]? body, MediaTypeHeaderValue? contentType, bool streaming, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(_server, pathAndQuery));
            request.Headers.Accept.Add(AcceptJson);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = contentType;
            }

            HttpResponseMessage response;
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    var completion = streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
                    response = await _http.SendAsync(request, completion, linked.Token).ConfigureAwait(false);
                }
                catch (KubeConfigException e)
                {
                    throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: no credentials: {e.Message}", e);
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    var what = e is OperationCanceledException ? $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s" : e.Message;
                    throw new KubeApiException($"{method} {PathOnly(pathAndQuery)}: could not reach the API server at {_server}: {what}", innerException: e);
                }
            }

            LogResponse(_log, method.Method, PathOnly(pathAndQuery), (int)response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var error = await ErrorFromAsync(method, pathAndQuery, response, cancellationToken).ConfigureAwait(false);
                if (error.RetryAfter is { } wait && error.IsTransient && attempt < _options.MaxRetries)
                {
                    var delay = wait < _options.MaxRetryAfter ? wait : _options.MaxRetryAfter;
                    LogThrottled(_log, method.Method, PathOnly(pathAndQuery), (int)response.StatusCode, delay.TotalSeconds, attempt + 1);
                    await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
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
                var wait = date - _options.TimeProvider.GetUtcNow();
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
            throw new KubeApiException($"WATCH {path}: the connection to {_server} dropped: {e.Message}", innerException: e);
        }
    }

    private static string PathOnly(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? pathAndQuery : pathAndQuery[..q];
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status}")]
    private static partial void LogResponse(ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{Method} {Path} answered {Status}; retrying in {Seconds} s as the server asked (attempt {Attempt})")]
    private static partial void LogThrottled(ILogger logger, string method, string path, int status, double seconds, int attempt);
}
