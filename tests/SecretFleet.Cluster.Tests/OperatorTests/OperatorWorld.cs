using k8s.Models;
using Microsoft.Extensions.Logging;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.KubeEmulator;
using SecretFleet.Operator.Hosting;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>
/// An emulated cluster with the SecretCluster CRD installed, our API client and kubectl bound to it, and an
/// in-process operator that tests can start, stop and restart. Scenario suites build on this.
/// </summary>
internal sealed class OperatorWorld : IAsyncDisposable
{
    private OperatorWorld(EmulatorWorld world, KubernetesApi api)
    {
        World = world;
        Api = api;
    }

    public EmulatorWorld World { get; }

    /// <summary>Our own client (kube/), with the emulator's admin credentials.</summary>
    public KubernetesApi Api { get; }

    public Kubectl Kubectl => World.Kubectl;

    public string Kubeconfig => World.Kubeconfig;

    public OperatorHost? Operator { get; private set; }

    public static string RepositoryPath(params string[] parts) => Path.Combine([RepositoryRoot.Find(), .. parts]);

    /// <summary>Starts an emulator and installs the CRD from crds/ (as `kubectl apply -f crds/` would).</summary>
    public static async Task<OperatorWorld> StartAsync(EmulatorOptions? options = null)
    {
        var world = await EmulatorWorld.StartAsync(options);
        try
        {
            await world.Kubectl.SucceedAsync($"apply -f {RepositoryPath("crds", "secretfleet.io_secretclusters.yaml")}");
            var api = KubernetesApi.Create(KubeClientConfiguration.Load(world.Kubeconfig));
            return new OperatorWorld(world, api);
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>Options for an operator against this world: probes and metrics on a free loopback port, quick retries.</summary>
    public OperatorOptions Options() => new()
    {
        Kubeconfig = Kubeconfig,
        HealthListen = "127.0.0.1:0",
        MetricsListen = "127.0.0.1:0",
        NodeImage = "ghcr.io/secretfleet/node:test",
        PollInterval = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(200),
    };

    public async Task<OperatorHost> StartOperatorAsync(OperatorOptions? options = null)
    {
        if (Operator is not null)
        {
            await Operator.DisposeAsync();
        }

        Operator = await OperatorHost.StartAsync(options ?? Options(), LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)));
        return Operator;
    }

    public async Task StopOperatorAsync()
    {
        if (Operator is not null)
        {
            await Operator.DisposeAsync();
            Operator = null;
        }
    }

    public Task<SecretCluster?> ClusterAsync(string name, string ns = "default") => Api.GetAsync<SecretCluster>(ns, name, CancellationToken.None);

    /// <summary>Any kind's apiVersion, kind and metadata (what checks of existence, ownership and labels need).</summary>
    public Task<PartialObject?> GetAsync(KubeResource resource, string name, string ns = "default") =>
        Api.GetAsync<PartialObject>(resource, ns, name, CancellationToken.None);

    /// <summary>Polls the SecretCluster until <paramref name="condition"/> holds, failing with its last status otherwise.</summary>
    public async Task<SecretCluster> WaitForClusterAsync(string name, Func<SecretCluster, bool> condition, string what, TimeSpan? deadline = null, string ns = "default")
    {
        SecretCluster? last = null;
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            last = await ClusterAsync(name, ns);
            if (last is not null && condition(last))
            {
                return last;
            }

            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting until {what}; last status: {(last is null ? "(gone)" : Kube.Json.KubeJson.Serialize(last.Status))}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null) =>
        EmulatorWorld.EventuallyAsync(condition, what, deadline ?? TimeSpan.FromSeconds(20));

    /// <summary>The Events recorded about an object, newest last.</summary>
    public async Task<IReadOnlyList<Eventsv1Event>> EventsAsync(string name, string ns = "default")
    {
        var events = await Api.ListAsync<Eventsv1Event>(ns, null, CancellationToken.None);
        return [.. events.Items.Where(e => e.Regarding?.Name == name).OrderBy(e => e.EventTime)];
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        Api.Dispose();
        await World.DisposeAsync();
    }
}
