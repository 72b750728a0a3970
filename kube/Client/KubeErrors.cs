using System.Net;
using System.Text.Json;
using k8s.Autorest;
using k8s.Models;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.Client;

/// <summary>
/// Turns the official client's failures into <see cref="KubeApiException"/>, which the operator's retry and
/// "not found is a value" logic reads, and honours Retry-After on throttled answers (the library does not).
/// </summary>
internal static class KubeErrors
{
    private const int MaxRetries = 5;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public static async Task<TResult> GuardAsync<TResult>(
        KubeCall where, Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken, bool retry = true)
    {
        for (var attempt = 0; ; attempt++)
        {
            KubeApiException error;
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e)
            {
                error = FromResponse(where, e);
            }
            catch (k8s.Exceptions.KubeConfigException e)
            {
                // An exec plugin or token file that fails: no request was sent.
                throw new KubeApiException($"{where}: no credentials: {e.Message}", e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var what = e is OperationCanceledException ? "no answer in time" : e.Message;
                throw new KubeApiException($"{where}: could not reach the API server at {where.Server}: {what}", e);
            }

            if (error.RetryAfter is { } wait && error.IsTransient && retry && attempt < MaxRetries)
            {
                await Task.Delay(wait < MaxRetryAfter ? wait : MaxRetryAfter, where.Time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw error;
        }
    }

    private static KubeApiException FromResponse(KubeCall where, HttpOperationException e)
    {
        var response = e.Response;
        var text = response?.Content ?? "";
        V1Status? status = null;
        try
        {
            status = text.StartsWith('{') ? JsonSerializer.Deserialize<V1Status>(text, KubeJson.Options) : null;
        }
        catch (JsonException)
        {
            // Not a Status object (a proxy's HTML page, say): the status code alone has to do.
        }

        var code = response?.StatusCode ?? HttpStatusCode.InternalServerError;
        var detail = status?.Message ?? (text.Length > 200 ? text[..200] + "…" : text).Trim();
        return new KubeApiException($"{where}: {(int)code} {status?.Reason ?? response?.ReasonPhrase}: {detail}", code, status, RetryAfterOf(response, status), e);
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessageWrapper? response, V1Status? status)
    {
        if (response?.Headers is { } headers && headers.TryGetValue("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return status?.Details?.RetryAfterSeconds is int s ? TimeSpan.FromSeconds(s) : null;
    }
}

/// <summary>One call: verb and path for messages (never a body), and the clock its retries wait on.</summary>
internal sealed record KubeCall(string Verb, string Path, Uri? Server, TimeProvider Time)
{
    public override string ToString() => $"{Verb} {Path}";
}
