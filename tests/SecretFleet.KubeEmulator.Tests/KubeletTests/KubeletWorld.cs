using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

/// <summary>
/// An emulator with an emulated node, its own temp dir, kubeconfig and kubectl, and helpers that read pods the way a
/// user would (through the API) and reach node pods over mTLS with the certificates cert-manager issued.
/// </summary>
internal sealed class KubeletWorld : IAsyncDisposable
{
    public const string Namespace = "default";
    private readonly EmulatorWorld _world;

    private KubeletWorld(EmulatorWorld world) => _world = world;

    public ApiServerEmulator Emulator => _world.Emulator;

    public Kubectl Kubectl => _world.Kubectl;

    public string Directory => _world.Directory;

    public string Kubeconfig => _world.Kubeconfig;

    public Kubelet Kubelet => _world.Emulator.Kubelet!;

    public static async Task<KubeletWorld> StartAsync(KubeletOptions? options = null) =>
        new(await EmulatorWorld.StartAsync(new EmulatorOptions { Kubelet = options ?? new KubeletOptions() }));

    /// <summary>Applies a node fleet's manifests (certificates, keys, Service, StatefulSet) with kubectl.</summary>
    public async Task ApplyFleetAsync(string name, int replicas, int threshold, string livenessPath = "/healthz", int livenessPeriodSeconds = 10) =>
        await Kubectl.SucceedAsync($"apply -f {_world.File(name + ".yaml",
            NodeFleetManifests.Yaml(name, Namespace, replicas, threshold, livenessPath: livenessPath, livenessPeriodSeconds: livenessPeriodSeconds))}");

    public JsonObject? Get(GroupResource resource, string name) => Emulator.Service.Store.Get(resource, Namespace, name)?.Parse();

    public JsonObject Pod(string name) => Get(BuiltInResources.Pods, name) ?? throw new InvalidOperationException($"pod {name} does not exist");

    public static bool IsReady(JsonObject? pod) => pod is not null && !ObjectMeta.IsDeleting(pod) && Conditions.IsTrue(pod, "Ready");

    public static string PodIp(JsonObject pod) => Json.String(pod["status"]?["podIP"]) ?? "";

    public static long RestartCount(JsonObject pod) =>
        Json.TryInteger(pod["status"]?["containerStatuses"]?[0]?["restartCount"], out var count) ? count : -1;

    /// <summary>Waits until pods NAME-0 … NAME-(n-1) are Ready, and returns them.</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForReadyPodsAsync(string name, int replicas, TimeSpan? deadline = null)
    {
        await EventuallyAsync(() => Enumerable.Range(0, replicas).All(i => IsReady(Get(BuiltInResources.Pods, $"{name}-{i}"))),
            $"pods {name}-0…{name}-{replicas - 1} are Ready", deadline ?? TimeSpan.FromSeconds(90));
        return [.. Enumerable.Range(0, replicas).Select(i => Pod($"{name}-{i}"))];
    }

    public Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        EmulatorWorld.EventuallyAsync(() => Task.FromResult(condition()), what + Describe(), deadline ?? TimeSpan.FromSeconds(60));

    /// <summary>TLS material from a cert-manager Secret (tls.crt, tls.key, ca.crt).</summary>
    public TlsMaterial Tls(string secretName)
    {
        var data = Get(BuiltInResources.Secrets, secretName)?["data"] ?? throw new InvalidOperationException($"secret {secretName} does not exist");
        string Pem(string key) => Encoding.UTF8.GetString(Convert.FromBase64String(Json.String(data[key])!));
        return TlsMaterial.FromPem(Pem("tls.crt"), Pem("tls.key"), Pem("ca.crt"));
    }

    /// <summary>The fleet as the operator sees it: pod IPs as endpoints, the pods' DNS names as TLS names.</summary>
    public FleetView View(string name, int replicas, int threshold) =>
        new($"{Namespace}/{name}", threshold, [.. Enumerable.Range(0, replicas).Select(i => new FleetMember((byte)(i + 1),
            new Uri($"https://{PodIp(Pod($"{name}-{i}"))}:7443"), $"{name}-{i}.{name}-nodes.{Namespace}.svc", NodeIdentity(name, i)))]);

    /// <summary>
    /// The identity node <paramref name="ordinal"/> of cluster <paramref name="name"/> carries: its own, named after its pod, as
    /// <see cref="NodeFleetManifests"/> writes it into the node's certificate (<c>spiffe://TD/node/NAME-i</c>).
    /// </summary>
    public static FleetIdentity NodeIdentity(string name, int ordinal) => new(NodeFleetManifests.TrustDomain, FleetRole.Node, $"{name}-{ordinal}");

    public FleetClient Client(string name, int replicas, int threshold) =>
        new(new FleetClientOptions(View(name, replicas, threshold).Members, threshold, Tls($"{name}-client-tls")));

    /// <summary>Forms the fleet (what the operator does once all nodes are ready) so nodes serve reads.</summary>
    public async Task FormAsync(string name, int replicas, int threshold)
    {
        var view = View(name, replicas, threshold);
        using var operations = new RpcNodeOperations(view.Members, Tls($"{name}-operator-tls"));
        var coordinator = new EpochCoordinator(operations, new FileOperationLog(Path.Combine(Directory, name + ".oplog")), TimeProvider.System,
            NullLogger<EpochCoordinator>.Instance);
        await coordinator.EnsureMembershipAsync(view, allowFormation: true, CancellationToken.None);
    }

    /// <summary>Pod phases and container states, for failure messages.</summary>
    public string Describe() =>
        "\n" + string.Join("\n", Emulator.Service.Store.List(BuiltInResources.Pods, null).Items.Select(p =>
        {
            var pod = p.Parse();
            return $"  {p.Name} {Json.String(pod["status"]?["phase"])} ip={PodIp(pod)} deleting={p.Deleting} "
                + (pod["status"]?["containerStatuses"]?.ToJsonString() ?? "");
        }));

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();
}
