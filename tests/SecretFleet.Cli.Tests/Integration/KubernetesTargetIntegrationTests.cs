using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Targets;
using SecretFleet.Cli.Tests.Support;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Tests.Integration;

/// <summary>
/// The Kubernetes path end to end except the API server: real nodes listen on their own loopback
/// addresses at the contract's port 7443 (as in the emulated cluster), the SecretCluster, pods and
/// client Secret come from an in-memory API, and the CLI dials pod IPs while verifying the pod DNS
/// names in the shared wildcard node certificate.
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
        using var authority = LocalCertificateAuthority.Create(ClusterObjects.TrustDomain, TimeSpan.FromDays(1));
        var (ips, nodes) = await StartNodesAsync(dir, authority, 3, 2);
        try
        {
            await FormAsync(authority, ips, 2);
            var api = new FakeKubeApi()
                .Add(ClusterObjects.Cluster(Name, Ns, 3, 2))
                .Add(ClusterObjects.ClientSecret(Name, Ns, ClusterObjects.Issue(authority, FleetRole.Client, "default")));
            for (var i = 0; i < 3; i++)
            {
                api.Add(ClusterObjects.Pod(Name, Ns, i, ips[i]));
            }
            var targets = new ApiTargets(api);

            var store = await InProcessCli.RunAsync(["store", "db-password", "--from-literal", "over pod ips", "--cluster", Name, "-n", Ns], targets);
            Assert.True(store.ExitCode == 0, store.ToString());
            var recover = await InProcessCli.RunAsync(["recover", "db-password", "--cluster", Name, "-n", Ns], targets);
            Assert.Equal("over pod ips", recover.Stdout);

            var status = await InProcessCli.RunAsync(["status", Name, "-n", Ns, "-o", "json"], targets);
            var json = JsonDocument.Parse(status.StdoutBytes).RootElement;
            Assert.Equal("kubernetes", json.GetProperty("kind").GetString());
            Assert.Equal("vault/demo", json.GetProperty("fleetId").GetString());
            var reported = json.GetProperty("nodes").EnumerateArray().ToArray();
            Assert.Equal(ips.Select(ip => $"https://{ip}:7443"), reported.Select(n => n.GetProperty("endpoint").GetString()));
            Assert.Equal(ips.Select(ip => $"http://{ip}:8080/metrics"), reported.Select(n => n.GetProperty("metricsUrl").GetString()));
            Assert.All(reported, n => Assert.True(n.GetProperty("healthy").GetBoolean()));
            Assert.Equal("demo-2.demo-nodes.vault.svc", reported[2].GetProperty("tlsName").GetString());
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Nodes on 127.a.b.1..n at port 7443; another base is tried when something already listens there.</summary>
    private static async Task<(string[] Ips, List<NodeProcess> Nodes)> StartNodesAsync(TempDirectory dir, LocalCertificateAuthority authority, int n, int threshold)
    {
        var tls = dir.Combine("tls");
        ClusterObjects.NodeCertificate(authority, Name, Ns).WriteTo(tls);
        for (var attempt = 0; ; attempt++)
        {
            var prefix = $"127.{RandomNumberGenerator.GetInt32(100, 250)}.{RandomNumberGenerator.GetInt32(0, 250)}";
            var ips = Enumerable.Range(1, n).Select(i => $"{prefix}.{i}").ToArray();
            var nodes = new List<NodeProcess>();
            try
            {
                for (var i = 0; i < n; i++)
                {
                    var node = dir.Combine($"node-{i}-{attempt}");
                    Directory.CreateDirectory(node);
                    File.WriteAllBytes(Path.Combine(node, "node.key"), RandomNumberGenerator.GetBytes(32));
                    nodes.Add(await NodeProcess.StartAsync([
                        "--cluster", Name, "--ordinal", $"{i}", "--threshold", $"{threshold}", "--data-dir", Path.Combine(node, "data"),
                        "--tls-dir", tls, "--key-file", Path.Combine(node, "node.key"), "--listen", $"{ips[i]}:7443", "--http-listen", $"{ips[i]}:8080",
                    ]));
                }
                return (ips, nodes);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                foreach (var node in nodes)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    /// <summary>What the operator does first: make every node a member of fleet NS/NAME.</summary>
    private static async Task FormAsync(LocalCertificateAuthority authority, string[] ips, int threshold)
    {
        var members = ips.Select((ip, i) => new FleetMember((byte)(i + 1), new Uri($"https://{ip}:7443"), ClusterNames.TlsName(Name, i, Ns))).ToArray();
        using var tls = ClusterObjects.Issue(authority, FleetRole.Operator, "secretfleet-operator").ToTlsMaterial();
        using var operations = new RpcNodeOperations(members, tls);
        var coordinator = new EpochCoordinator(operations, new InMemoryLog(), TimeProvider.System, NullLogger<EpochCoordinator>.Instance);
        await coordinator.EnsureMembershipAsync(new FleetView(ClusterNames.FleetId(Name, Ns), threshold, members), allowFormation: true, CancellationToken.None);
    }

    /// <summary>Opens SecretClusters from the in-memory API with --connect auto (which finds the pod IPs reachable).</summary>
    private sealed class ApiTargets(FakeKubeApi api) : IFleetTargetFactory
    {
        public async Task<FleetTarget> OpenAsync(GlobalSettings settings, CancellationToken cancellationToken) =>
            await KubernetesTarget.OpenAsync(api, null, new KubeConnection(settings.Namespace!, null, null), settings.Cluster!, ConnectMode.Auto, TimeProvider.System, cancellationToken);
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
