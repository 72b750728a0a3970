using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// How an <see cref="OperatorHost"/> runs: the command-line flags of <c>secretfleet-operator run</c>, plus
/// timing knobs tests turn down. Defaults suit a real cluster.
/// </summary>
public sealed record OperatorOptions
{
    /// <summary>--kubeconfig: this file only; otherwise KUBECONFIG, in-cluster, ~/.kube/config.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>--context: a kubeconfig context other than the current one.</summary>
    public string? Context { get; init; }

    /// <summary>--namespace: the one namespace to watch; null or empty watches every namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>--node-image: what SecretClusters without spec.image run.</summary>
    public string NodeImage { get; init; } = OperatorVersion.DefaultNodeImage;

    /// <summary>--allowed-node-images: what spec.image may name besides <see cref="NodeImage"/> (exact references).</summary>
    public IReadOnlyList<string> AllowedNodeImages { get; init; } = [];

    /// <summary>--operator-namespace: where the operator's pods run, for the fleets' NetworkPolicies; by default POD_NAMESPACE, else the in-cluster or kubeconfig namespace.</summary>
    public string? OperatorNamespace { get; init; }

    /// <summary>--node-metrics-namespace: whose pods may reach the nodes' metrics port; by default the operator's namespace.</summary>
    public string? NodeMetricsNamespace { get; init; }

    /// <summary>--leader-elect: hold a Lease before acting, so only one of several replicas reconciles.</summary>
    public bool LeaderElect { get; init; }

    /// <summary>--lease-name.</summary>
    public string LeaseName { get; init; } = "secretfleet-operator";

    /// <summary>--lease-namespace; by default the operator's own namespace (in-cluster) or the kubeconfig's.</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>--metrics-listen IP:PORT for /metrics; null or empty turns it off. The same address as health serves both.</summary>
    public string? MetricsListen { get; init; } = "0.0.0.0:8080";

    /// <summary>--health-listen IP:PORT for /healthz and /readyz; null or empty turns it off.</summary>
    public string? HealthListen { get; init; } = "0.0.0.0:8081";

    /// <summary>--log-level.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>--workers: SecretClusters reconciled at once (one key is never reconciled twice at once).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Who holds the lease and reports Events; POD_NAME or the host name plus a random suffix by default.</summary>
    public string? Identity { get; init; }

    /// <summary>Every SecretCluster is reconciled at least this often.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a reconcile that waits for something no watch reports looks again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay after a failed list/watch and after a failed fleet job (both double, capped).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a stop (SIGTERM) waits for the controller to release the lease and running refreshes to cancel.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeouts of refreshes and recoveries (core's coordinator).</summary>
    public CoordinatorOptions Coordinator { get; init; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Tests: an API client instead of one built from the kubeconfig.</summary>
    internal Kube.IKubeApi? Api { get; init; }

    /// <summary>Tests: how the operator reaches nodes, instead of mTLS with the operator certificate.</summary>
    internal Epochs.IFleetCoordinatorFactory? Coordinators { get; init; }

    /// <summary>Tests: node key material instead of the CSPRNG.</summary>
    internal Func<int, byte[]>? NewNodeKey { get; init; }
}
