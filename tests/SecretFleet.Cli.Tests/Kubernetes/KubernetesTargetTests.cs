using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Tests.Support;
using SecretFleet.Core.Identity;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Tests.Kubernetes;

[Trait("Category", "Unit")]
public sealed class KubernetesTargetTests : IDisposable
{
    private readonly LocalCertificateAuthority _authority = LocalCertificateAuthority.Create(ClusterObjects.TrustDomain, TimeSpan.FromDays(1));

    private FakeKubeApi World(string ns = "vault")
    {
        var api = new FakeKubeApi()
            .Add(ClusterObjects.Cluster("demo", ns, 3, 2, new SecretClusterStatus { Epoch = 12, LastRefreshTime = DateTimeOffset.UnixEpoch, NextRefreshTime = DateTimeOffset.UnixEpoch.AddDays(1) }))
            .Add(ClusterObjects.ClientSecret("demo", ns, ClusterObjects.Issue(_authority, FleetRole.Client, "default")));
        for (var i = 0; i < 3; i++)
        {
            api.Add(ClusterObjects.Pod("demo", ns, i, $"10.1.0.{i + 1}"));
        }
        api.Add(ClusterObjects.Pod("other", ns, 0, "10.9.9.9"));
        return api;
    }

    private static Task<KubernetesTarget> OpenAsync(FakeKubeApi api, string name = "demo", string? client = null) =>
        KubernetesTarget.OpenAsync(api, null, new LoopbackTunnels(_ => null), "vault", name, ConnectMode.Direct, client, TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task It_reads_the_cluster_its_pods_and_the_client_certificate()
    {
        await using var target = await OpenAsync(World());

        Assert.Equal("SecretCluster vault/demo", target.Description);
        Assert.Equal(3, target.View.Members.Count);
        Assert.Equal(new Uri("https://10.1.0.2:7443"), target.View.Members[1].Endpoint);
        Assert.Equal(FleetRole.Client, target.ClientTls.Identity.Role);
        var times = await target.RefreshTimesAsync(CancellationToken.None);
        Assert.Equal(12UL, times.Epoch);
        Assert.Equal("every 24h", times.Schedule);
    }

    [Fact]
    public async Task A_missing_secret_cluster_exits_2_naming_it()
    {
        var error = await Assert.ThrowsAsync<CliException>(() => OpenAsync(World(), "nope"));

        Assert.Equal(ExitCodes.NotFound, error.ExitCode);
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("vault", error.Message);
    }

    [Fact]
    public async Task A_forbidden_client_secret_exits_4_saying_what_was_refused()
    {
        var api = World();
        api.Forbidden.Add("secrets");

        var error = await Assert.ThrowsAsync<CliException>(() => OpenAsync(api));

        Assert.Equal(ExitCodes.PermissionDenied, error.ExitCode);
        Assert.Contains("read Secret vault/demo-client-tls", error.Message);
    }

    [Fact]
    public async Task With_client_it_acts_as_that_client_from_its_own_Secret()
    {
        var api = World();
        var cluster = ClusterObjects.Cluster("demo", "vault", 3, 2);
        api.Add(cluster with { Spec = cluster.Spec with { Clients = [new ClientSpec { Name = "team-a" }] } });
        api.Add(ClusterObjects.ClientSecret("demo", "vault", ClusterObjects.Issue(_authority, FleetRole.Client, "team-a")));

        await using var target = await OpenAsync(api, client: "team-a");

        Assert.Equal(new FleetIdentity(ClusterObjects.TrustDomain, FleetRole.Client, "team-a"), target.ClientTls.Identity);
    }

    [Fact]
    public async Task A_client_the_cluster_does_not_have_exits_2_saying_how_to_add_it()
    {
        var error = await Assert.ThrowsAsync<CliException>(() => OpenAsync(World(), client: "team-b"));

        Assert.Equal(ExitCodes.NotFound, error.ExitCode);
        Assert.Contains("has no client 'team-b'", error.Message);
        Assert.Contains("kubectl secrets client create team-b", error.Message);
    }

    [Fact]
    public async Task Another_clients_Secret_that_Kubernetes_refuses_exits_4_naming_it()
    {
        var api = World();
        api.Forbidden.Add("secrets");

        var error = await Assert.ThrowsAsync<CliException>(() => OpenAsync(api, client: "team-b"));

        Assert.Equal(ExitCodes.PermissionDenied, error.ExitCode);
        Assert.Contains("read Secret vault/demo-client-team-b-tls of client team-b", error.Message);
    }

    [Fact]
    public async Task A_client_secret_not_issued_yet_says_to_wait_for_the_operator()
    {
        var api = new FakeKubeApi().Add(ClusterObjects.Cluster("demo", "vault", 3, 2));

        var error = await Assert.ThrowsAsync<CliException>(() => OpenAsync(api));

        Assert.Equal(ExitCodes.NotFound, error.ExitCode);
        Assert.Contains("demo-client-tls", error.Message);
    }

    public void Dispose() => _authority.Dispose();
}
