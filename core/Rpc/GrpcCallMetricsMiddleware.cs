using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// Counts every gRPC call the server answered, by method and status, and times it (the contract
/// in docs/metrics.md). A middleware rather than an interceptor, so calls that never reach a
/// service count too: unknown methods (label <c>unknown</c>), refused identities, unreadable
/// messages.
/// </summary>
internal sealed class GrpcCallMetricsMiddleware(RequestDelegate next, RpcServerMetrics metrics, TimeProvider time)
{
    private const string StatusHeader = "grpc-status";

    public async Task InvokeAsync(HttpContext http)
    {
        var started = time.GetTimestamp();
        await next(http).ConfigureAwait(false);
        if (!http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            return; // not gRPC: probes and strays are not calls
        }

        var method = http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc && !grpc.Method.FullName.Contains('{', StringComparison.Ordinal)
            ? grpc.Method.FullName.TrimStart('/')
            : RpcMetricNames.UnknownMethod;
        var status = http.Response.Headers[StatusHeader].ToString();
        if (status.Length == 0 && http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers)
        {
            status = trailers[StatusHeader].ToString();
        }

        metrics.CallCompleted(method, StatusCodeNames.Parse(status), time.GetElapsedTime(started));
    }
}
