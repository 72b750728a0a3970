using System.Net;
using k8s.Models;

namespace SecretFleet.Kube;

/// <summary>
/// A Kubernetes API call failed: the server answered with an error (<see cref="StatusCode"/> and, from its
/// Status object, <see cref="Reason"/>), or it could not be reached (<see cref="StatusCode"/> is null).
/// </summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(string message, HttpStatusCode? statusCode = null, V1Status? status = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Status = status;
        RetryAfter = retryAfter;
    }

    public KubeApiException()
        : this("The Kubernetes API call failed.")
    {
    }

    public KubeApiException(string message)
        : this(message, null, null, null, null)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : this(message, null, null, null, innerException)
    {
    }

    /// <summary>The HTTP status, or null when no response arrived (connection refused, reset, timed out).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The Status object the server sent, when it sent one.</summary>
    public V1Status? Status { get; }

    /// <summary>Machine-readable reason: NotFound, AlreadyExists, Conflict, Expired, Forbidden, Invalid, …</summary>
    public string? Reason => Status?.Reason;

    /// <summary>How long the server asked us to wait (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>A write lost an optimistic-concurrency race (stale resourceVersion) or an apply conflict: re-read and retry.</summary>
    public bool IsConflict => StatusCode == HttpStatusCode.Conflict && Reason != "AlreadyExists";

    public bool IsAlreadyExists => StatusCode == HttpStatusCode.Conflict && Reason == "AlreadyExists";

    /// <summary>The resourceVersion asked for is too old (HTTP 410, or a watch ERROR with code 410): re-list.</summary>
    public bool IsGone => StatusCode == HttpStatusCode.Gone || Status?.Code == 410 || Reason is "Expired" or "Gone";

    /// <summary>The object failed validation (422): the spec is wrong, retrying will not help.</summary>
    public bool IsInvalid => StatusCode == HttpStatusCode.UnprocessableEntity;

    public bool IsForbidden => StatusCode == HttpStatusCode.Forbidden;

    /// <summary>
    /// Worth retrying later: throttled (429), a server-side failure (5xx) or no answer at all — except a
    /// TLS handshake we refused (untrusted server certificate), which no retry fixes.
    /// </summary>
    public bool IsTransient => StatusCode is null
        ? !IsTlsFailure
        : StatusCode == HttpStatusCode.TooManyRequests || (int)StatusCode.Value >= 500;

    private bool IsTlsFailure
    {
        get
        {
            for (var e = InnerException; e is not null; e = e.InnerException)
            {
                if (e is System.Security.Authentication.AuthenticationException)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
