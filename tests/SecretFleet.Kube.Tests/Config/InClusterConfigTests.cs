using SecretFleet.Kube.Config;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Tests.Support;

namespace SecretFleet.Kube.Tests.Config;

[Trait("Category", "Integration")]
public sealed class InClusterConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _certs = new();

    public void Dispose()
    {
        _dir.Dispose();
        _certs.Dispose();
    }

    private KubeEnvironment PodEnvironment(Uri server, string? kubeconfig = null) => new()
    {
        GetVariable = name => name switch
        {
            "KUBERNETES_SERVICE_HOST" => server.Host,
            "KUBERNETES_SERVICE_PORT" => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "KUBECONFIG" => kubeconfig,
            _ => null,
        },
        HomeDirectory = _dir.Path,
        ServiceAccountDirectory = Path.Combine(_dir.Path, "serviceaccount"),
    };

    /// <summary>Lays out the service account the way the kubelet does: files behind a ..data symlink that is swapped on rotation.</summary>
    private void MountServiceAccount(string generation, string token)
    {
        var root = Path.Combine(_dir.Path, "serviceaccount");
        var data = Path.Combine(root, $"..{generation}");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "token"), token);
        File.WriteAllText(Path.Combine(data, "ca.crt"), _certs.CaPem);
        File.WriteAllText(Path.Combine(data, "namespace"), "secretfleet-system");
        // The kubelet renames a new link over ..data; delete-and-create is close enough for one reader.
        var dataLink = Path.Combine(root, "..data");
        if (Directory.Exists(dataLink))
        {
            Directory.Delete(dataLink);
        }

        Directory.CreateSymbolicLink(dataLink, $"..{generation}");
        foreach (var name in new[] { "token", "ca.crt", "namespace" })
        {
            var link = Path.Combine(root, name);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", name));
            }
        }
    }

    [Fact]
    public async Task In_cluster_config_uses_the_service_account_and_picks_up_a_rotated_token()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, """{"metadata":{"name":"operator","namespace":"secretfleet-system"}}"""), _certs);
        MountServiceAccount("2026_01_01", "token-one");
        var config = KubeConfigLoader.Load(environment: PodEnvironment(stub.Url));
        using var api = KubeApi.Create(config);

        await api.GetAsync<Lease>(config.Namespace, "operator", CancellationToken.None);
        MountServiceAccount("2026_01_02", "token-two");
        await api.GetAsync<Lease>(config.Namespace, "operator", CancellationToken.None);

        Assert.Equal("in-cluster", config.ContextName);
        Assert.Equal("secretfleet-system", config.Namespace);
        Assert.Equal(["Bearer token-one", "Bearer token-two"], stub.Requests.Select(r => r.Authorization));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/secretfleet-system/leases/operator", stub.Requests.First().Path);
    }

    [Fact]
    public void KUBECONFIG_wins_over_in_cluster_config()
    {
        MountServiceAccount("1", "token");
        var kubeconfig = _dir.Write("config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            """);

        var config = KubeConfigLoader.Load(environment: PodEnvironment(new Uri("https://10.0.0.1:443"), kubeconfig));

        Assert.Equal("dev", config.ContextName);
    }

    [Fact]
    public void An_IPv6_service_host_is_bracketed()
    {
        MountServiceAccount("1", "token");
        var env = PodEnvironment(new Uri("https://127.0.0.1:443")) with
        {
            GetVariable = name => name switch
            {
                "KUBERNETES_SERVICE_HOST" => "fd00::1",
                "KUBERNETES_SERVICE_PORT" => "443",
                _ => null,
            },
        };

        Assert.Equal(new Uri("https://[fd00::1]:443"), InClusterConfig.Load(env).Server);
    }

    [Fact]
    public void Outside_a_pod_in_cluster_config_says_so()
    {
        var e = Assert.Throws<KubeConfigException>(() => InClusterConfig.Load(new KubeEnvironment { GetVariable = _ => null }));

        Assert.Contains("KUBERNETES_SERVICE_HOST", e.Message, StringComparison.Ordinal);
    }
}
