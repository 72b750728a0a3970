using System.Collections.Concurrent;
using System.Text.Json.Nodes;
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

    private readonly OperatorMetrics metrics = new();

    public ReconcilerHarness(SecretCluster? cluster = null)
    {
        Api = new FakeKubeApi(Time);
        Supervisors = new FleetSupervisors(new FleetSupervisorContext(Api, Coordinator, Events, metrics, Time, NullLogger.Instance, k => Finished.Enqueue(k.ToString())));
        Reconciler = new SecretClusterReconciler(Api, new ReconcilerSettings("ghcr.io/secretfleet/node:test", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            Supervisors, Events, metrics, Time, NullLogger.Instance, TestClusters.Key);
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

    /// <summary>Ready pods for the given ordinals, running the StatefulSet's current template.</summary>
    public void ReadyPods(params int[] ordinals)
    {
        var statefulSet = Api.GetAsync<StatefulSet>("vault", "demo", CancellationToken.None).Result!;
        var hash = StatefulSetSpec.TemplateHashOf(statefulSet)!;
        foreach (var ordinal in ordinals)
        {
            Pod(ordinal, hash, ready: true);
        }
    }

    public Pod Pod(int ordinal, string hash, bool ready)
    {
        var labels = new Dictionary<string, string>
        {
            [LabelsAndAnnotations.Cluster] = "demo",
            [LabelsAndAnnotations.Component] = LabelsAndAnnotations.Components.Node,
            [LabelsAndAnnotations.TemplateHash] = hash,
        };
        using var quiet = Api.Quiet();
        Api.DeleteAsync(KubeResources.Pods, "vault", $"demo-{ordinal}", null, CancellationToken.None).Wait();
        return Api.Seed(new Pod
        {
            Metadata = new ObjectMeta { Name = $"demo-{ordinal}", Namespace = "vault", Labels = labels },
            Status = new PodStatus
            {
                Phase = "Running",
                PodIP = $"10.0.0.{ordinal + 1}",
                Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            },
        });
    }

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
        metrics.Dispose();
    }
}
