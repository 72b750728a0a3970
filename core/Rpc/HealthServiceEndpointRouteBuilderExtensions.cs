using Grpc.Health.V1;
using Microsoft.AspNetCore.Routing;

namespace SecretFleet.Core.Rpc;

/// <summary>Maps <see cref="HealthService"/>.</summary>
public static class HealthServiceEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>grpc.health.v1.Health/Check</c> and <c>/Watch</c>. No role is required: any
    /// peer that passed mutual TLS may ask whether the server is up.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthService(this IEndpointRouteBuilder endpoints, HealthService health)
    {
        ArgumentNullException.ThrowIfNull(health);
        endpoints.MapUnaryRpc<HealthCheckRequest, HealthCheckResponse>(HealthService.ServiceName, "Check", health.CheckAsync);
        endpoints.MapServerStreamingRpc<HealthCheckRequest, HealthCheckResponse>(HealthService.ServiceName, "Watch", health.WatchAsync);
        return endpoints;
    }
}
