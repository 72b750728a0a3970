using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Observability;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// The operator's plain HTTP endpoints, started before the controller so that a bad address fails the start:
/// /healthz and /readyz on --health-listen, /metrics on --metrics-listen (one server when both are the same
/// address; none for an address turned off).
/// </summary>
internal sealed class ProbeEndpoints(OperatorOptions options, HostMetrics metrics, ControllerService controller, ILoggerFactory loggers, IMeterFactory meterFactory) : IHostedService, IAsyncDisposable
{
    private readonly List<ProbeServer> _servers = [];

    /// <summary>http://IP:port serving /healthz and /readyz, when enabled and started.</summary>
    public Uri? HealthAddress { get; private set; }

    /// <summary>http://IP:port serving /metrics, when enabled and started.</summary>
    public Uri? MetricsAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var health = ListenAddress.Parse(options.HealthListen, "--health-listen");
        var metricsAt = ListenAddress.Parse(options.MetricsListen, "--metrics-listen");
        bool Healthy() => !controller.Completion.IsFaulted;
        bool Ready() => controller.IsReady;
        if (health is not null)
        {
            var shared = metricsAt is not null && metricsAt.Equals(health);
            var server = await ProbeServer.StartAsync(health, probes: true, shared ? metrics : null, Healthy, Ready, loggers, meterFactory, cancellationToken).ConfigureAwait(false);
            _servers.Add(server);
            HealthAddress = server.Address;
            if (shared)
            {
                MetricsAddress = server.Address;
                return;
            }
        }

        if (metricsAt is not null)
        {
            var server = await ProbeServer.StartAsync(metricsAt, probes: false, metrics, Healthy, Ready, loggers, meterFactory, cancellationToken).ConfigureAwait(false);
            _servers.Add(server);
            MetricsAddress = server.Address;
        }
    }

    // Stopped after the controller (hosted services stop in reverse order), so probes answer until it has stopped.
    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _servers.Clear();
    }
}
