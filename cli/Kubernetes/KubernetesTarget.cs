using System.Net.Sockets;
using System.Text;
using k8s.Models;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Targets;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>
/// A SecretCluster: the nodes come from its pods, the client certificate from Secret
/// <c>NAME-client-tls</c> (or <c>NAME-client-CLIENT-tls</c> with --client), the schedule from its status; `refresh` annotates it and lets the
/// operator work (CloudNativePG's way), `--wait` watches the status.
/// </summary>
internal sealed class KubernetesTarget : FleetTarget
{
    private readonly IKubeApi _api;
    private readonly IDisposable? _ownedApi;
    private readonly SecretCluster _cluster;
    private readonly IReadOnlyList<ClusterNode> _nodes;
    private readonly List<PortForward> _forwards;
    private readonly TimeProvider _time;

    private readonly IPodTunnels _tunnels;
    private readonly ConnectMode _mode;
    private readonly Dictionary<string, Uri> _forwarded;

    private KubernetesTarget(IKubeApi api, IDisposable? ownedApi, SecretCluster cluster, IReadOnlyList<ClusterNode> nodes, FleetView view, TlsMaterial client, Connections connections, TimeProvider time)
    {
        _api = api;
        _ownedApi = ownedApi;
        _cluster = cluster;
        _nodes = nodes;
        View = view;
        ClientTls = client;
        _forwards = connections.Forwards;
        _forwarded = connections.Forwarded;
        _tunnels = connections.Tunnels;
        _mode = connections.Mode;
        _time = time;
    }

    /// <summary>How this invocation reaches pods: directly, or through port-forwards (by pod name) it keeps open.</summary>
    private sealed record Connections(IPodTunnels Tunnels, ConnectMode Mode, List<PortForward> Forwards, Dictionary<string, Uri> Forwarded);

    public override string Description => $"SecretCluster {Namespace}/{Name}";

    public override string Kind => "kubernetes";

    public override FleetView View { get; }

    public override TlsMaterial ClientTls { get; }

    public string Name => _cluster.Metadata.Name!;

    public string Namespace => _cluster.Metadata.NamespaceProperty ?? "default";

    public static async Task<KubernetesTarget> OpenAsync(
        IKubeApi api, IDisposable? ownedApi, IPodTunnels tunnels, string ns, string name, ConnectMode mode, string? clientName, TimeProvider time, CancellationToken cancellationToken)
    {
        var (cluster, nodes) = await ReadAsync(api, ns, name, cancellationToken).ConfigureAwait(false)
            ?? throw CliException.NotFound($"No SecretCluster '{name}' in namespace {ns}; `kubectl get secretclusters -A` lists them.");
        var secretName = ChildNames.Of(cluster).ClientTlsSecretOf(clientName ?? ChildNames.DefaultClient);
        var secret = await KubeCall(() => api.GetAsync<V1Secret>(ns, secretName, cancellationToken), $"read Secret {ns}/{secretName} of client {clientName ?? ChildNames.DefaultClient}").ConfigureAwait(false)
            ?? throw CliException.NotFound(clientName is null or ChildNames.DefaultClient || cluster.Spec.Clients?.Any(c => c.Name == clientName) == true
                ? $"The client certificate Secret {ns}/{secretName} does not exist yet; wait for the operator to issue it (`kubectl describe secretcluster {name} -n {ns}` says what it waits for)."
                : $"SecretCluster {ns}/{name} has no client '{clientName}'; `kubectl secrets client create {clientName}` adds it, `kubectl secrets client list` shows the others.");
        var client = ClientMaterial(secret, ns);
        var connections = new Connections(tunnels, mode, [], []);
        try
        {
            connections = connections with { Mode = mode == ConnectMode.Auto ? await ChooseAsync(nodes, cancellationToken).ConfigureAwait(false) : mode };
            var view = await ViewAsync(cluster, nodes, connections, ns, cancellationToken).ConfigureAwait(false);
            return new KubernetesTarget(api, ownedApi, cluster, nodes, view, client, connections, time);
        }
        catch
        {
            client.Dispose();
            foreach (var forward in connections.Forwards)
            {
                await forward.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    private static async Task<FleetView> ViewAsync(SecretCluster cluster, IReadOnlyList<ClusterNode> nodes, Connections connections, string ns, CancellationToken cancellationToken)
    {
        var endpoints = new Dictionary<int, Uri>();
        foreach (var node in nodes)
        {
            if (connections.Mode == ConnectMode.PortForward && node.PodIp is not null)
            {
                if (!connections.Forwarded.TryGetValue(node.PodName, out var forwarded))
                {
                    var forward = await PortForward.StartAsync(connections.Tunnels, ns, node.PodName, ChildNames.GrpcPort, cancellationToken).ConfigureAwait(false);
                    connections.Forwards.Add(forward);
                    forwarded = connections.Forwarded[node.PodName] = forward.Endpoint;
                }
                endpoints[node.Ordinal] = forwarded;
            }
            else
            {
                endpoints[node.Ordinal] = ClusterTopology.DirectEndpoint(node);
            }
        }
        return ClusterTopology.View(cluster, nodes, n => endpoints[n.Ordinal]);
    }

    // A resharing changes status.replicas and status.threshold, and may add pods: read them again.
    protected override async Task<FleetView> ReadViewAsync(CancellationToken cancellationToken)
    {
        var (cluster, nodes) = await ReadAsync(_api, Namespace, Name, cancellationToken).ConfigureAwait(false)
            ?? throw CliException.NotFound($"SecretCluster {Namespace}/{Name} was deleted.");
        return await ViewAsync(cluster, nodes, new Connections(_tunnels, _mode, _forwards, _forwarded), Namespace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SecretCluster (null when there is none) and its nodes as its pods show them.</summary>
    private static async Task<(SecretCluster Cluster, IReadOnlyList<ClusterNode> Nodes)?> ReadAsync(IKubeApi api, string ns, string name, CancellationToken cancellationToken)
    {
        var cluster = await KubeCall(() => api.GetAsync<SecretCluster>(ns, name, cancellationToken), $"read SecretCluster {ns}/{name}").ConfigureAwait(false);
        if (cluster is null)
        {
            return null;
        }
        cluster = cluster with { Metadata = cluster.Metadata with { NamespaceProperty = cluster.Metadata.NamespaceProperty ?? ns } };
        var pods = await KubeCall(() => api.ListAsync<V1Pod>(ns, new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}={name}" }, cancellationToken), $"list the pods of {ns}/{name}").ConfigureAwait(false);
        return (cluster, ClusterTopology.Nodes(cluster, pods.Items));
    }

    public override Uri? MetricsUrl(FleetMember member) => _nodes.FirstOrDefault(n => n.X == member.X) is { } node ? ClusterTopology.MetricsEndpoint(node) : null;

    public override Task<RefreshTimes> RefreshTimesAsync(CancellationToken cancellationToken)
    {
        var status = _cluster.Status;
        var spec = _cluster.Spec.Refresh;
        var schedule = spec.Schedule is { Length: > 0 } cron ? $"cron {cron}" : spec.Interval is { Length: > 0 } interval ? $"every {interval}" : null;
        return Task.FromResult(new RefreshTimes(status?.LastRefreshTime, status?.NextRefreshTime, status?.Epoch is { } e ? (ulong)e : null, schedule, null));
    }

    public override Task<RefreshReport> RefreshAsync(RefreshRequest request, IProgress<RefreshProgress>? progress, CancellationToken cancellationToken) =>
        new ClusterRefresh(_api, Namespace, Name, _time).RunAsync(request, progress, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        foreach (var forward in _forwards)
        {
            await forward.DisposeAsync().ConfigureAwait(false);
        }
        _ownedApi?.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a Kubernetes call, turning refusals into the CLI's exit codes with a sentence on what to ask for.</summary>
    internal static async Task<T> KubeCall<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsForbidden || e.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"Kubernetes does not let you {what} ({e.Reason ?? e.StatusCode.ToString()}); ask for access or use another --context.", e);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            throw CliException.NotFound($"Cannot {what}: the API server does not serve it ({e.Message}); is the SecretFleet CRD installed?");
        }
        catch (KubeApiException e)
        {
            throw CliException.Other($"Cannot {what}: {e.Message}", e);
        }
    }

    private static TlsMaterial ClientMaterial(V1Secret secret, string ns)
    {
        string Text(string key) => secret.Data?.TryGetValue(key, out var bytes) == true
            ? Encoding.UTF8.GetString(bytes)
            : throw CliException.Other($"Secret {ns}/{secret.Metadata.Name} has no '{key}' yet; wait for the client certificate to be issued.");
        try
        {
            return TlsMaterial.FromPem(Text(TlsMaterial.CertificateFileName), Text(TlsMaterial.PrivateKeyFileName), Text(TlsMaterial.CertificateAuthorityFileName));
        }
        catch (TlsMaterialException e)
        {
            throw CliException.Other($"Secret {ns}/{secret.Metadata.Name} does not hold usable client TLS material: {e.Message}", e);
        }
    }

    /// <summary>auto: dial the first pod IP for up to 1 s; if it answers we are inside the pod network, else port-forward.</summary>
    private static async Task<ConnectMode> ChooseAsync(IReadOnlyList<ClusterNode> nodes, CancellationToken cancellationToken)
    {
        var first = nodes.FirstOrDefault(n => n.PodIp is not null);
        if (first is null)
        {
            return ConnectMode.Direct;
        }
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Parse(first.PodIp!), ChildNames.GrpcPort, timeout.Token).ConfigureAwait(false);
            return ConnectMode.Direct;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or FormatException && !cancellationToken.IsCancellationRequested)
        {
            return ConnectMode.PortForward;
        }
    }
}
