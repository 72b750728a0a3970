using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Specs;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Reconciliation;

/// <summary>The reconciler over a fake API, a fake coordinator and a manual clock; pods are made by hand.</summary>
internal sealed class ReconcilerHarness : IAsyncDisposable
{
    public const string Key = "vault/demo";

    /// <summary>The operator's --node-image in the harness.</summary>
    public const string DefaultImage = "ghcr.io/secretfleet/node:test";

    /// <summary>The harness operator's --allowed-node-images.</summary>
    public static readonly IReadOnlyList<string> AllowedImages = ["ghcr.io/secretfleet/node:next", "registry.example/secretfleet/node:1.2.3"];

    /// <summary>The harness operator runs in secretfleet-system, and Prometheus in monitoring.</summary>
    public static readonly NodeNetworkPeers Peers = new("secretfleet-system", "monitoring");

    private readonly OperatorMetrics _metrics = new();

    public ReconcilerHarness(SecretCluster? cluster = null)
    {
        Api = new FakeKubeApi(Time);
        Supervisors = new FleetSupervisors(new FleetSupervisorContext(Api, Coordinator, Events, _metrics, Time, NullLogger.Instance, k => Finished.Enqueue(k.ToString())));
        Reconciler = new SecretClusterReconciler(
            Api,
            new ReconcilerSettings(DefaultImage, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)) { AllowedNodeImages = AllowedImages, NetworkPeers = Peers },
            Supervisors, Events, _metrics, Time, NullLogger.Instance, TestClusters.Key);
        Api.Seed(cluster ?? TestClusters.Demo());
    }

    public ManualTimeProvider Time { get; } = new(TestClusters.Created + TimeSpan.FromMinutes(1));

    public FakeKubeApi Api { get; }

    public RecordingEvents Events { get; } = new();

    public FakeCoordinator Coordinator { get; } = new();

    public FleetSupervisors Supervisors { get; }

    public SecretClusterReconciler Reconciler { get; }

    public ConcurrentQueue<string> Finished { get; } = new();

    public SecretCluster Cluster => Api.GetAsync<SecretCluster>("vault", "demo", CancellationToken.None).Result!;

    public SupervisorSnapshot Supervisor => Supervisors.Snapshot(Controller.ClusterKey.Parse(Key));

    public Task<ReconcileResult> ReconcileAsync() => Reconciler.ReconcileAsync(Key, CancellationToken.None);

    /// <summary>Reconciles, lets cert-manager issue, and reconciles again: the workload exists afterwards.</summary>
    public async Task ProvisionAsync()
    {
        await ReconcileAsync();
        Api.IssueCertificates();
        await ReconcileAsync();
    }

    /// <summary>Reconciles, waits for the job it started, and reconciles once more so the status reflects it.</summary>
    public async Task ReconcileUntilIdleAsync()
    {
        await ReconcileAsync();
        await Eventually.TrueAsync(() => !Supervisor.Busy, "the fleet job finished");
        await ReconcileAsync();
    }

    /// <summary>What a kubelet does: the operator's pods for the given ordinals are Running and Ready, with an IP.</summary>
    public void ReadyPods(params int[] ordinals)
    {
        foreach (var ordinal in ordinals)
        {
            SetPodStatus(ordinal, ready: true);
        }
    }

    /// <summary>Sets the status of pod demo-i (which the operator, or a test, created) as a kubelet would.</summary>
    public void SetPodStatus(int ordinal, bool ready)
    {
        Assert.True(Api.Raw(KubeResources.Pods, "vault", $"demo-{ordinal}") is not null, $"pod demo-{ordinal} does not exist: the operator has not created it");
        Api.SetStatus(KubeResources.Pods, "vault", $"demo-{ordinal}", new JsonObject
        {
            ["phase"] = "Running",
            ["podIP"] = $"10.0.0.{ordinal + 1}",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        });
    }

    /// <summary>The pod spec the operator gave demo-i.</summary>
    public JsonObject PodSpec(int ordinal) => (JsonObject)Api.Raw(KubeResources.Pods, "vault", $"demo-{ordinal}")!["spec"]!;

    /// <summary>
    /// A fleet exactly as the operator before per-node identities left it (its spec builders' output, recorded in
    /// Specs/legacy): StatefulSet demo with <paramref name="whenDeleted"/>, Certificate demo-node and its Secret,
    /// Secret demo-node-keys, Ready pods demo-0…2 made by the StatefulSet, PVCs data-demo-0…2, and status.epoch 0.
    /// </summary>
    public void SeedLegacyFleet(string whenDeleted = "Delete")
    {
        using var quiet = Api.Quiet();
        var statefulSet = Legacy("demo-statefulset");
        statefulSet["spec"]!["persistentVolumeClaimRetentionPolicy"]!["whenDeleted"] = whenDeleted;
        Api.Seed(KubeResources.StatefulSets, statefulSet);
        var seeded = Api.Raw(KubeResources.StatefulSets, "vault", "demo")!;
        Api.Seed(KubeResources.Certificates, Legacy("demo-certificate-node"));
        var keys = Kube.Json.KubeJson.Deserialize<V1Secret>(Legacy("demo-node-keys").ToJsonString())!;
        Api.Seed(keys with { Data = Enumerable.Range(0, 3).ToDictionary(o => $"node-{o}.key", LegacyKey) });
        Api.Seed(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "demo-node-tls", NamespaceProperty = "vault", Labels = new Dictionary<string, string> { [LabelsAndAnnotations.Cluster] = "demo" } },
            Type = "kubernetes.io/tls",
        });
        var template = statefulSet["spec"]!["template"]!;
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var labels = Kube.Json.KubeJson.Deserialize<Dictionary<string, string>>(template["metadata"]!["labels"]!.ToJsonString())!;
            Api.Seed(new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = $"demo-{ordinal}",
                    NamespaceProperty = "vault",
                    Labels = labels,
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "demo", Uid = (string)seeded["metadata"]!["uid"]!, Controller = true }],
                },
                Spec = Kube.Json.KubeJson.Deserialize<V1PodSpec>(template["spec"]!.ToJsonString()),
            });
            Api.Seed(new V1PersistentVolumeClaim { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = new V1ObjectMeta { Name = $"data-demo-{ordinal}", NamespaceProperty = "vault" }, Spec = new V1PersistentVolumeClaimSpec() });
            ReadyPods(ordinal);
        }

        PatchStatus(new JsonObject { ["epoch"] = 0 });
    }

    /// <summary>Node i's key in the seeded legacy Secret: unlike any key the harness would make (<see cref="TestClusters.Key"/>).</summary>
    public static byte[] LegacyKey(int ordinal) => Enumerable.Repeat((byte)(0xA0 + ordinal), 32).ToArray();

    private static JsonObject Legacy(string name) =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.Of("tests", "SecretFleet.Operator.Tests", "Specs", "legacy", name + ".json")))!.AsObject();

    public void PatchSpec(JsonObject spec) => Patch(new JsonObject { ["spec"] = spec });

    /// <summary>A merge patch of the SecretCluster, as a user would make it (not recorded as an operator call).</summary>
    public void Patch(JsonObject patch)
    {
        using var quiet = Api.Quiet();
        Api.PatchAsync<SecretCluster>("vault", "demo", KubePatch.Merge(patch), CancellationToken.None).Wait();
    }

    public void PatchStatus(JsonObject status)
    {
        using var quiet = Api.Quiet();
        Api.PatchStatusAsync<SecretCluster>("vault", "demo", KubePatch.Merge(new JsonObject { ["status"] = status }), CancellationToken.None).Wait();
    }

    /// <summary>Deletes the SecretCluster as a user would (it stays while the finalizer holds it).</summary>
    public void Delete()
    {
        using var quiet = Api.Quiet();
        Api.DeleteAsync(KubeResources.SecretClusters, "vault", "demo", null, CancellationToken.None).Wait();
    }

    public Condition? Condition(string type) => Kube.Models.Condition.Find(Cluster.Status?.Conditions, type);

    public async ValueTask DisposeAsync()
    {
        await Supervisors.DisposeAsync();
        _metrics.Dispose();
    }
}
