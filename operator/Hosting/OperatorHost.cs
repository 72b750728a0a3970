using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// A started operator: the Generic Host that <see cref="OperatorHostBuilder"/> composes, and what tests and
/// <c>secretfleet-operator run</c> ask of it. Tests start one in-process against the API-server emulator with
/// <see cref="StartAsync(OperatorOptions, ILoggerFactory?, CancellationToken)"/> and stop it with <see cref="StopAsync"/>.
/// </summary>
public sealed class OperatorHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ControllerService _controller;
    private readonly ProbeEndpoints _probes;
    private int _disposed;

    private OperatorHost(IHost host, string identity)
    {
        _host = host;
        _controller = host.Services.GetRequiredService<ControllerService>();
        _probes = host.Services.GetRequiredService<ProbeEndpoints>();
        Identity = identity;
    }

    /// <summary>Who this replica is in the lease and in Events' reportingInstance.</summary>
    public string Identity { get; }

    /// <summary>http://IP:port serving /healthz and /readyz, when enabled.</summary>
    public Uri? HealthAddress => _probes.HealthAddress;

    /// <summary>http://IP:port serving /metrics, when enabled.</summary>
    public Uri? MetricsAddress => _probes.MetricsAddress;

    /// <summary>True while this replica reconciles (it holds the lease, or runs without leader election).</summary>
    public bool IsLeader => _controller.IsLeader;

    /// <summary>Ready: a standby waiting for the lease, or a leader whose first list of SecretClusters completed.</summary>
    public bool IsReady => _controller.IsReady;

    /// <summary>Reconciles this host has finished (any result), for tests and diagnostics.</summary>
    public long Reconciles => _controller.Reconciles;

    /// <summary>
    /// Ends when the operator stops: successfully after <see cref="StopAsync"/>, faulted when it stopped on its
    /// own (the leader lease was lost, or a fatal fault).
    /// </summary>
    public Task Completion => _controller.Completion;

    /// <summary>Starts an operator that logs to <paramref name="loggers"/> (none by default).</summary>
    /// <exception cref="OperatorConfigurationException">An option, the kubeconfig or a listen address is not usable.</exception>
    public static Task<OperatorHost> StartAsync(OperatorOptions options, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, logging => logging.Services.AddSingleton(loggers ?? NullLoggerFactory.Instance), cancellationToken);

    /// <summary>Starts an operator whose logging <paramref name="logging"/> configures.</summary>
    /// <exception cref="OperatorConfigurationException">An option, the kubeconfig or a listen address is not usable.</exception>
    internal static async Task<OperatorHost> StartAsync(OperatorOptions options, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identity = options.Identity ?? OperatorHostBuilder.DefaultIdentity();
        var host = OperatorHostBuilder.Build(options, identity, logging);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync(host).ConfigureAwait(false);
            throw;
        }

        return new OperatorHost(host, identity);
    }

    /// <summary>Waits until the host stops: SIGTERM or Ctrl-C (the host's console lifetime), or the controller stopping on its own.</summary>
    internal Task WaitForShutdownAsync() => _host.WaitForShutdownAsync();

    /// <summary>Stops reconciling (releasing the lease), and waits until everything has stopped.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await DisposeAsync(_host).ConfigureAwait(false);
    }

    private static async ValueTask DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable asynchronous)
        {
            await asynchronous.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host.Dispose();
        }
    }
}
