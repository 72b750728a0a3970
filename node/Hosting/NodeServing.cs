using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// Whether the node serves: ready (and SERVING in grpc.health.v1) once the host has started both servers,
/// not ready from the moment it begins to stop, so probes and load balancers leave before the servers close.
/// </summary>
internal sealed class NodeServing(HealthServiceImpl health, IHostApplicationLifetime lifetime) : IHostedService
{
    // What grpc.health.v1.Health reports: the server as a whole ("") and the client-facing service.
    private static readonly string[] Reported = ["", Shares.Descriptor.FullName];
    private volatile bool _ready;

    public bool IsReady => _ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Set(true));
        lifetime.ApplicationStopping.Register(() => Set(false));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Set(bool ready)
    {
        _ready = ready;
        var status = ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        foreach (var service in Reported)
        {
            health.SetStatus(service, status);
        }
    }
}
