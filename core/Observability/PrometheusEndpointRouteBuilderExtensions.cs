using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretFleet.Core.Observability;

/// <summary>Serves a <see cref="PrometheusExporter"/> on an ASP.NET Core route.</summary>
public static class PrometheusEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET pattern</c> to the exporter's text output with
    /// <see cref="PrometheusExporter.ContentType"/>; responses are never cached.
    /// </summary>
    /// <example><code>app.MapPrometheusMetrics("/metrics", exporter);</code></example>
    public static IEndpointConventionBuilder MapPrometheusMetrics(
        this IEndpointRouteBuilder endpoints, string pattern, PrometheusExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(exporter);
        return endpoints.MapGet(pattern, (RequestDelegate)(async context =>
        {
            context.Response.ContentType = PrometheusExporter.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await exporter.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }));
    }
}
