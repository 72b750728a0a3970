using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Observability;
using SecretFleet.Kube;
using SecretFleet.Kube.Config;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// The whole operator in one object: API client, probe and metrics endpoints, leader election, watches, work
/// queue, reconciler and fleet supervisors. <c>secretfleet-operator run</c> is a thin wrapper; tests start one
/// in-process against the API-server emulator with <see cref="StartAsync"/> and stop it with <see cref="StopAsync"/>.
/// </summary>
public sealed partial class OperatorHost : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly List<IAsyncDisposable> servers = [];
    private readonly List<IDisposable> owned = [];
    private LeaderElector? elector;
    private SecretClusterController? controller;
    private bool leaderElect;
    private long reconciles;

    private OperatorHost(string identity)
    {
        Identity = identity;
        Completion = Task.CompletedTask;
    }

    /// <summary>Who this replica is in the lease and in Events' reportingInstance.</summary>
    public string Identity { get; }

    /// <summary>http://IP:port serving /healthz and /readyz, when enabled.</summary>
    public Uri? HealthAddress { get; private set; }

    /// <summary>http://IP:port serving /metrics, when enabled.</summary>
    public Uri? MetricsAddress { get; private set; }

    /// <summary>True while this replica reconciles (it holds the lease, or runs without leader election).</summary>
    public bool IsLeader => !leaderElect || elector?.IsLeader == true;

    /// <summary>Ready: a standby waiting for the lease, or a leader whose first list of SecretClusters completed.</summary>
    public bool IsReady => !Completion.IsCompleted && (leaderElect && !IsLeader || controller?.Synced == true);

    /// <summary>Reconciles this host has finished (any result), for tests and diagnostics.</summary>
    public long Reconciles => Interlocked.Read(ref reconciles);

    /// <summary>
    /// Ends when the operator stops: successfully after <see cref="StopAsync"/>, faulted when it stopped on its
    /// own (the leader lease was lost, or a fatal fault).
    /// </summary>
    public Task Completion { get; private set; }

    /// <exception cref="OperatorConfigurationException">A flag, the kubeconfig or a listen address is not usable.</exception>
    public static async Task<OperatorHost> StartAsync(OperatorOptions options, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggers ??= NullLoggerFactory.Instance;
        if (options.Workers < 1)
        {
            throw new OperatorConfigurationException($"--workers {options.Workers} must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.NodeImage))
        {
            throw new OperatorConfigurationException("--node-image must name an image, e.g. ghcr.io/secretfleet/node:0.1.0.");
        }

        var health = ListenAddress.Parse(options.HealthListen, "--health-listen");
        var metricsAt = ListenAddress.Parse(options.MetricsListen, "--metrics-listen");
        var identity = options.Identity ?? DefaultIdentity();
        var host = new OperatorHost(identity);
        try
        {
            await host.InitializeAsync(options, loggers, health, metricsAt, cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(OperatorOptions options, ILoggerFactory loggers, System.Net.IPEndPoint? health, System.Net.IPEndPoint? metricsAt, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var log = loggers.CreateLogger<OperatorHost>();
        var (api, defaultNamespace) = Connect(options, loggers, time);
        if (options.Api is null)
        {
            owned.Add((IDisposable)api);
        }

        var metrics = new OperatorMetrics();
        owned.Add(metrics);
        var hostMetrics = new HostMetrics();
        owned.Add(hostMetrics);
        await StartServersAsync(health, metricsAt, hostMetrics, loggers, cancellationToken).ConfigureAwait(false);

        var queue = new WorkQueue(new WorkQueueOptions { Workers = options.Workers }, time, loggers.CreateLogger<WorkQueue>());
        owned.Add(queue);
        var events = new KubeEventRecorder(api, Identity, time, loggers.CreateLogger<KubeEventRecorder>());
        var coordinators = options.Coordinators ?? new RpcFleetCoordinatorFactory(api, options.Coordinator, time, loggers);
        var supervisors = new FleetSupervisors(new FleetSupervisorContext(api, coordinators, events, metrics, time, loggers.CreateLogger<FleetSupervisor>(), key => queue.Add(key.ToString()))
        {
            RetryDelay = options.RetryDelay,
        });
        var settings = new ReconcilerSettings(options.NodeImage, options.PollInterval, options.ResyncPeriod);
        var reconciler = new SecretClusterReconciler(api, settings, supervisors, events, metrics, time, loggers.CreateLogger<SecretClusterReconciler>(), options.NewNodeKey);
        controller = new SecretClusterController(api, new ControllerSettings(string.IsNullOrEmpty(options.Namespace) ? null : options.Namespace, options.ResyncPeriod, options.RetryDelay), queue, metrics, time, loggers);
        leaderElect = options.LeaderElect;
        if (leaderElect)
        {
            var lease = new LeaderElectionSettings(options.LeaseName, options.LeaseNamespace ?? defaultNamespace, Identity)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            };
            elector = new LeaderElector(api, lease, time, loggers.CreateLogger<LeaderElector>());
        }

        LogStarting(log, Identity, string.IsNullOrEmpty(options.Namespace) ? "all namespaces" : $"namespace {options.Namespace}", options.NodeImage, leaderElect);
        var token = stopping.Token;
        Completion = Task.Run(() => RunAsync(controller, reconciler, supervisors, metrics, log, token), CancellationToken.None);
    }

    private async Task RunAsync(SecretClusterController controller, SecretClusterReconciler reconciler, FleetSupervisors supervisors, OperatorMetrics metrics, ILogger log, CancellationToken cancellationToken)
    {
        async Task<ReconcileResult> Reconcile(string key, CancellationToken token)
        {
            try
            {
                return await reconciler.ReconcileAsync(key, token).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Increment(ref reconciles);
            }
        }

        try
        {
            if (elector is not null)
            {
                await elector.RunAsync(async token =>
                {
                    metrics.SetLeader(true);
                    await controller.RunAsync(Reconcile, token).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                metrics.SetLeader(true);
                await controller.RunAsync(Reconcile, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogStopped(log, e.Message);
            throw;
        }
        finally
        {
            metrics.SetLeader(false);

            // Running refreshes are cancelled: their record stays in status and the next leader resumes them.
            await supervisors.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops reconciling (releasing the lease), and waits until everything has stopped.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await Completion.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var server in servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var disposable in Enumerable.Reverse(owned))
        {
            disposable.Dispose();
        }

        stopping.Dispose();
    }

    private static (IKubeApi Api, string Namespace) Connect(OperatorOptions options, ILoggerFactory loggers, TimeProvider time)
    {
        if (options.Api is { } given)
        {
            return (given, options.LeaseNamespace ?? "default");
        }

        try
        {
            var config = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = options.Kubeconfig, Context = options.Context });
            return (KubeApi.Create(config, new KubeApiOptions { TimeProvider = time }, loggers.CreateLogger<KubeApi>()), config.Namespace);
        }
        catch (KubeConfigException e)
        {
            throw new OperatorConfigurationException(e.Message, e);
        }
    }

    private async Task StartServersAsync(System.Net.IPEndPoint? health, System.Net.IPEndPoint? metricsAt, HostMetrics hostMetrics, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        bool Healthy() => !Completion.IsFaulted;
        if (health is not null)
        {
            var shared = metricsAt is not null && metricsAt.Equals(health);
            var server = await ProbeServer.StartAsync(health, probes: true, shared ? hostMetrics : null, Healthy, () => IsReady, loggers, cancellationToken).ConfigureAwait(false);
            servers.Add(server);
            HealthAddress = server.Address;
            if (shared)
            {
                MetricsAddress = server.Address;
                return;
            }
        }

        if (metricsAt is not null)
        {
            var server = await ProbeServer.StartAsync(metricsAt, probes: false, hostMetrics, Healthy, () => IsReady, loggers, cancellationToken).ConfigureAwait(false);
            servers.Add(server);
            MetricsAddress = server.Address;
        }
    }

    private static string DefaultIdentity() =>
        Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod
            ? pod
            : $"{Environment.MachineName.ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "secretfleet-operator {Identity} starting: watching {Scope}, node image {NodeImage}, leader election {LeaderElect}")]
    private static partial void LogStarting(ILogger logger, string identity, string scope, string nodeImage, bool leaderElect);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "The operator stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, string reason);
}
