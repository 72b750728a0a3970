using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecretFleet.Core.Rpc;

/// <summary>Registers the server side of the gRPC wire layer.</summary>
public static class RpcServiceCollectionExtensions
{
    /// <summary>
    /// Registers options, metrics (meter <c>SecretFleet.Rpc</c>) and the call dispatcher. Call it
    /// once before mapping methods with <see cref="RpcEndpointRouteBuilderExtensions"/>.
    /// </summary>
    public static IServiceCollection AddRpc(this IServiceCollection services, Action<RpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RpcServerOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxReceiveMessageBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSendMessageBytes);
        services.AddSingleton(options);
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RpcServerMetrics>();
        services.TryAddSingleton<RpcServerDispatcher>();
        return services;
    }
}
