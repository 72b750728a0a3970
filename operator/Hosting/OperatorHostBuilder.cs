using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Observability;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.Config;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// Composes the operator on the Generic Host: the API client (connected here, so a bad kubeconfig fails
/// before anything starts), the work queue, reconciler, fleet supervisors and controller constructed by the
/// container, and two hosted services: <see cref="ProbeEndpoints"/>, then <see cref="ControllerService"/>.
/// </summary>
internal static partial class OperatorHostBuilder
{
    /// <exception cref="OperatorConfigurationException">An option or the kubeconfig is not usable.</exception>
    public static IHost Build(OperatorOptions options, string identity, Action<ILoggingBuilder> logging)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Workers < 1)
        {
            throw new OperatorConfigurationException($"--workers {options.Workers} must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.NodeImage))
        {
            throw new OperatorConfigurationException("--node-image must name an image, e.g. ghcr.io/secretfleet/node:0.1.0.");
        }

        ListenAddress.Parse(options.HealthListen, "--health-listen");
        ListenAddress.Parse(options.MetricsListen, "--metrics-listen");

        // No configuration sources: the options arrive validated (OperatorSettings reads flags and environment).
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        logging(builder.Logging);
        string defaultNamespace;
        if (options.Api is { } given)
        {
            builder.Services.AddSingleton(given); // the test's: it disposes it
            defaultNamespace = options.LeaseNamespace ?? "default";
        }
        else
        {
            var config = LoadKubeconfig(options);
            defaultNamespace = KubeClientConfiguration.NamespaceOf(config);
            // A factory, so that the container owns (and disposes) the one client of the process.
            builder.Services.AddSingleton<IKubeApi>(_ => KubernetesApi.Create(config));
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        // The "started" line is what launchers read; the lifetime's own status lines would only add noise.
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddMetrics();
        // The fleets' NetworkPolicies admit the operator's pods from its own namespace (the chart passes POD_NAMESPACE).
        var operatorNamespace = options.OperatorNamespace ?? DefaultOperatorNamespace() ?? defaultNamespace;
        AddOperator(builder.Services, options, identity, new NodeNetworkPeers(operatorNamespace, options.NodeMetricsNamespace ?? operatorNamespace));
        if (options.LeaderElect)
        {
            var lease = new LeaderElectionSettings(options.LeaseName, options.LeaseNamespace ?? defaultNamespace, identity)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            };
            builder.Services.AddSingleton(sp => new LeaderElector(OfficialClient(sp.GetRequiredService<IKubeApi>()), lease, sp.GetRequiredService<ILogger<LeaderElector>>()));
        }

        var host = builder.Build();
        try
        {
            // Now, not in the first reconcile: a kubeconfig whose credentials cannot be loaded is bad configuration.
            host.Services.GetRequiredService<IKubeApi>();
        }
        catch (KubeConfigException e)
        {
            host.Dispose();
            throw new OperatorConfigurationException(e.Message, e);
        }

        LogStarting(host.Services.GetRequiredService<ILogger<OperatorHost>>(), identity,
            string.IsNullOrEmpty(options.Namespace) ? "all namespaces" : $"namespace {options.Namespace}", options.NodeImage, options.LeaderElect);
        return host;
    }

    private static void AddOperator(IServiceCollection services, OperatorOptions options, string identity, NodeNetworkPeers peers)
    {
        services.AddSingleton(sp => new HostMetrics(meterScope: sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(sp => new OperatorMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(new WorkQueueOptions { Workers = options.Workers });
        services.AddSingleton(sp => new WorkQueue(
            sp.GetRequiredService<WorkQueueOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WorkQueue>>(), sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<IEventRecorder>(sp => new KubeEventRecorder(
            sp.GetRequiredService<IKubeApi>(), identity, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KubeEventRecorder>>()));
        services.AddSingleton(sp => options.Coordinators ?? new RpcFleetCoordinatorFactory(
            sp.GetRequiredService<IKubeApi>(), options.Coordinator, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp =>
        {
            var queue = sp.GetRequiredService<WorkQueue>();
            return new FleetSupervisorContext(
                sp.GetRequiredService<IKubeApi>(), sp.GetRequiredService<IFleetCoordinatorFactory>(), sp.GetRequiredService<IEventRecorder>(),
                sp.GetRequiredService<OperatorMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FleetSupervisor>>(), key => queue.Add(key.ToString()))
            {
                RetryDelay = options.RetryDelay,
            };
        });
        services.AddSingleton<FleetSupervisors>();
        services.AddSingleton(new ReconcilerSettings(options.NodeImage, options.PollInterval, options.ResyncPeriod)
        {
            AllowedNodeImages = options.AllowedNodeImages,
            NetworkPeers = peers,
        });
        services.AddSingleton(sp => new SecretClusterReconciler(
            sp.GetRequiredService<IKubeApi>(), sp.GetRequiredService<ReconcilerSettings>(), sp.GetRequiredService<FleetSupervisors>(), sp.GetRequiredService<IEventRecorder>(),
            sp.GetRequiredService<OperatorMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SecretClusterReconciler>>(), options.NewNodeKey));
        services.AddSingleton(new ControllerSettings(string.IsNullOrEmpty(options.Namespace) ? null : options.Namespace, options.ResyncPeriod, options.RetryDelay));
        services.AddSingleton<SecretClusterController>();
        services.AddSingleton(sp => new ControllerService(
            sp.GetRequiredService<SecretClusterController>(), sp.GetRequiredService<SecretClusterReconciler>(), sp.GetRequiredService<FleetSupervisors>(),
            sp.GetRequiredService<OperatorMetrics>(), sp.GetService<LeaderElector>(), sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<ControllerService>>()));

        // Probes first: a listen address in use fails the start before the controller runs.
        services.AddSingleton<ProbeEndpoints>();
        services.AddHostedService(sp => sp.GetRequiredService<ProbeEndpoints>());
        services.AddHostedService(sp => sp.GetRequiredService<ControllerService>());
    }

    private static k8s.KubernetesClientConfiguration LoadKubeconfig(OperatorOptions options)
    {
        try
        {
            return KubeClientConfiguration.Load(options.Kubeconfig, options.Context);
        }
        catch (KubeConfigException e)
        {
            throw new OperatorConfigurationException(e.Message, e);
        }
    }

    // k8s.LeaderElection locks through the official client itself, not through our seam.
    private static k8s.IKubernetes OfficialClient(IKubeApi api) =>
        api is KubernetesApi official
            ? official.Client
            : throw new OperatorConfigurationException("Leader election needs the official Kubernetes client; this IKubeApi is not one.");

    /// <summary>Who this replica is when the options do not say: POD_NAME, else the host name and a random suffix.</summary>
    public static string DefaultIdentity() =>
        Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod
            ? pod
            : $"{Environment.MachineName.ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>The namespace the chart's Deployment passes through the downward API, if any.</summary>
    private static string? DefaultOperatorNamespace() => Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : null;

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "secretfleet-operator {Identity} starting: watching {Scope}, node image {NodeImage}, leader election {LeaderElect}")]
    private static partial void LogStarting(ILogger logger, string identity, string scope, string nodeImage, bool leaderElect);
}
