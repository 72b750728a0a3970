using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Cli.Clients;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Targets;
using SecretFleet.Cli.Tests.Support;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Tests.Integration;

/// <summary>
/// The Kubernetes path end to end except the API server: real nodes, each with its own node
/// certificate as the contract issues it, the SecretCluster, pods and client Secret from an in-memory API.
/// The CLI dials pod IPs (nodes on their own loopback addresses at port 7443, as in the emulated
/// cluster) or port-forwards, and verifies <c>NAME-i.NAME-nodes.NS.svc</c> either way.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KubernetesTargetIntegrationTests
{
    private const string Ns = "vault";
    private const string Name = "demo";

    [Fact]
    public async Task Verbs_reach_pods_by_ip_verify_their_dns_names_and_report_them()
    {
        using var dir = new TempDirectory();
        await using var pods = await PodFleet.StartOnPodAddressesAsync(dir);
        var targets = new ApiTargets(pods.Api(pod => pods.Address(pod)), null);

        var store = await InProcessCli.RunAsync(["store", "db-password", "--from-literal", "over pod ips", "--cluster", Name, "-n", Ns], targets);
        Assert.True(store.ExitCode == 0, store.ToString());
        var recover = await InProcessCli.RunAsync(["recover", "db-password", "--cluster", Name, "-n", Ns], targets);
        Assert.Equal("over pod ips", recover.Stdout);

        var status = await InProcessCli.RunAsync(["status", Name, "-n", Ns, "-o", "json"], targets);
        var json = JsonDocument.Parse(status.StdoutBytes).RootElement;
        Assert.Equal("kubernetes", json.GetProperty("kind").GetString());
        Assert.Equal("vault/demo", json.GetProperty("fleetId").GetString());
        var reported = json.GetProperty("nodes").EnumerateArray().ToArray();
        Assert.Equal(pods.Addresses.Select(ip => $"https://{ip}:7443"), reported.Select(n => n.GetProperty("endpoint").GetString()));
        Assert.Equal(pods.Addresses.Select(ip => $"http://{ip}:8080/metrics"), reported.Select(n => n.GetProperty("metricsUrl").GetString()));
        Assert.All(reported, n => Assert.True(n.GetProperty("healthy").GetBoolean()));
        Assert.Equal("demo-2.demo-nodes.vault.svc", reported[2].GetProperty("tlsName").GetString());
    }

    [Fact]
    public async Task Unreachable_pod_ips_fall_back_to_port_forwards_that_end_with_the_command()
    {
        using var dir = new TempDirectory();
        await using var pods = await PodFleet.StartOnLoopbackPortsAsync(dir);
        var tunnels = new LoopbackTunnels(pod => pods.Nodes.Select((node, i) => (node, i)).FirstOrDefault(n => pod == $"{Name}-{n.i}").node?.Grpc.Port);
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, so the 1 s probe of --connect auto fails.
        var targets = new ApiTargets(pods.Api(pod => $"192.0.2.{pod + 1}"), tunnels);

        var store = await InProcessCli.RunAsync(["store", "via-forward", "--from-literal", "tunnelled", "--cluster", Name, "-n", Ns], targets);
        Assert.True(store.ExitCode == 0, store.ToString());
        var recover = await InProcessCli.RunAsync(["recover", "via-forward", "--cluster", Name, "-n", Ns], targets);

        Assert.Equal("tunnelled", recover.Stdout);
        Assert.Equal(["vault/demo-0:7443", "vault/demo-1:7443", "vault/demo-2:7443"], tunnels.Opened.Distinct().Order());
        Assert.Equal(0, tunnels.Open);
    }

    /// <summary>Opens SecretClusters from the in-memory API with --connect auto.</summary>
    private sealed class ApiTargets(FakeKubeApi api, IPodTunnels? tunnels) : IFleetTargetFactory
    {
        public async Task<FleetTarget> OpenAsync(GlobalSettings settings, CancellationToken cancellationToken) =>
            await KubernetesTarget.OpenAsync(api, null, tunnels ?? new LoopbackTunnels(_ => null), settings.Namespace!, settings.Cluster!, ConnectMode.Auto, settings.Client, TimeProvider.System, cancellationToken);

        public Task<ClientRegistry> OpenClientsAsync(GlobalSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<ClientRegistry>(new ClusterClients(api, null, settings.Namespace!, settings.Cluster!, TimeProvider.System));
    }

    /// <summary>Three node processes of SecretCluster vault/demo (threshold 2), formed as the operator would.</summary>
    private sealed class PodFleet : IAsyncDisposable
    {
        private readonly LocalCertificateAuthority _authority = LocalCertificateAuthority.Create(ClusterObjects.TrustDomain, TimeSpan.FromDays(1));

        public List<NodeProcess> Nodes { get; } = [];

        /// <summary>The pod IPs nodes listen on (pod-address mode), else empty.</summary>
        public string[] Addresses { get; private set; } = [];

        public string Address(int ordinal) => Addresses[ordinal];

        /// <summary>Nodes on 127.a.b.1..3 at port 7443; another base is tried when something already listens there.</summary>
        public static async Task<PodFleet> StartOnPodAddressesAsync(TempDirectory dir)
        {
            var fleet = new PodFleet();
            for (var attempt = 0; ; attempt++)
            {
                var prefix = $"127.{RandomNumberGenerator.GetInt32(100, 250)}.{RandomNumberGenerator.GetInt32(0, 250)}";
                fleet.Addresses = [.. Enumerable.Range(1, 3).Select(i => $"{prefix}.{i}")];
                try
                {
                    await fleet.StartAsync(dir, i => ($"{fleet.Addresses[i]}:7443", $"{fleet.Addresses[i]}:8080"), attempt);
                    return fleet;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    await fleet.StopNodesAsync();
                }
            }
        }

        /// <summary>Nodes on 127.0.0.1 with ports the OS picks (what a port-forward reaches).</summary>
        public static async Task<PodFleet> StartOnLoopbackPortsAsync(TempDirectory dir)
        {
            var fleet = new PodFleet();
            await fleet.StartAsync(dir, _ => ("127.0.0.1:0", "127.0.0.1:0"), 0);
            return fleet;
        }

        public FakeKubeApi Api(Func<int, string> podIp)
        {
            var api = new FakeKubeApi()
                .Add(ClusterObjects.Cluster(Name, Ns, 3, 2))
                .Add(ClusterObjects.ClientSecret(Name, Ns, ClusterObjects.Issue(_authority, FleetRole.Client, "default")));
            for (var i = 0; i < 3; i++)
            {
                api.Add(ClusterObjects.Pod(Name, Ns, i, podIp(i)));
            }
            return api;
        }

        public async ValueTask DisposeAsync()
        {
            await StopNodesAsync();
            _authority.Dispose();
        }

        private async Task StartAsync(TempDirectory dir, Func<int, (string Grpc, string Http)> listen, int attempt)
        {
            for (var i = 0; i < 3; i++)
            {
                var node = dir.Combine($"node-{i}-{attempt}");
                Directory.CreateDirectory(node);
                var tls = Path.Combine(node, "tls");
                ClusterObjects.NodeCertificate(_authority, Name, Ns, i).WriteTo(tls);
                File.WriteAllBytes(Path.Combine(node, "node.key"), RandomNumberGenerator.GetBytes(32));
                var (grpc, http) = listen(i);
                Nodes.Add(await NodeProcess.StartAsync([
                    "--cluster", Name, "--ordinal", $"{i}", "--threshold", "2", "--data-dir", Path.Combine(node, "data"),
                    "--tls-dir", tls, "--key-file", Path.Combine(node, "node.key"), "--listen", grpc, "--http-listen", http,
                ]));
            }
            // What the operator does first: make every node a member of fleet NS/NAME.
            var cluster = ClusterObjects.Cluster(Name, Ns, 3, 2);
            var names = ChildNames.Of(cluster);
            var members = Nodes.Select((n, i) => new FleetMember((byte)(i + 1), n.Grpc, names.PodTlsName(i), ChildNames.NodeIdentity(cluster, i))).ToArray();
            using var operatorTls = ClusterObjects.Issue(_authority, FleetRole.Operator, "secretfleet-operator").ToTlsMaterial();
            using var operations = new RpcNodeOperations(members, operatorTls);
            var coordinator = new EpochCoordinator(operations, new InMemoryLog(), TimeProvider.System, NullLogger<EpochCoordinator>.Instance);
            await coordinator.EnsureMembershipAsync(new FleetView(names.FleetId, 2, members), allowFormation: true, CancellationToken.None);
        }

        private async Task StopNodesAsync()
        {
            foreach (var node in Nodes)
            {
                await node.DisposeAsync();
            }
            Nodes.Clear();
        }
    }

    private sealed class InMemoryLog : IOperationLog
    {
        private OperationLogRecord? _record;

        public Task<OperationLogRecord?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(_record);

        public Task SaveAsync(OperationLogRecord record, CancellationToken cancellationToken)
        {
            _record = record;
            return Task.CompletedTask;
        }
    }
}
