using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Epochs;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Reconciliation;

/// <summary>Threshold changes and scale-downs of a formed fleet: a resharing through the fleet job, and what the user sees.</summary>
[Trait("Category", "Unit")]
public sealed class ResharingReconcileTests
{
    [Fact]
    public async Task A_threshold_change_reshares_and_on_commit_moves_the_status_shape_and_rolls_the_pods_to_the_new_threshold()
    {
        await using var h = await FormedAsync(3, 2);
        h.PatchSpec(new JsonObject { ["threshold"] = 3 });

        await h.ReconcileUntilIdleAsync();

        Assert.Single(h.Coordinator.Calls, "reshare 2-of-3 to 3-of-1,2,3");
        var status = h.Cluster.Status!;
        Assert.Equal((1L, 3, 3), (status.Epoch!.Value, status.Replicas!.Value, status.Threshold!.Value));
        Assert.Null(status.Refresh);
        var reshared = Assert.Single(h.Events.Recorded, e => e.Reason == "Reshared");
        Assert.Equal(EventSeverity.Normal, reshared.Severity);
        Assert.StartsWith("Reshared 2-of-3 → 3-of-3 at epoch 1 in 3 s", reshared.Note, StringComparison.Ordinal);
        Assert.Equal(3, (int?)h.Api.Raw(KubeResources.PodDisruptionBudgets, "vault", "demo")!["spec"]!["minAvailable"]);
        Assert.Equal("3", AppliedOnService(h).Threshold?.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Every pod still runs with --threshold 2, so they are replaced one at a time, between epochs.
        Assert.Contains(h.Events.Recorded, e => e.Reason == "PodReplaced" && e.Note.StartsWith("Deleted demo-0", StringComparison.Ordinal));
        await h.ReconcileAsync();
        await h.ReconcileAsync();
        Assert.Contains("\"--threshold\",\"3\"", h.PodSpec(0).ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"--threshold\",\"2\"", h.PodSpec(1).ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(Conditions.Reasons.RollingUpdate, h.Condition(Conditions.Progressing)!.Reason);
    }

    [Fact]
    public async Task A_scale_down_keeps_the_leaving_nodes_while_it_reshares_then_removes_their_pods_and_identities_and_with_Retain_keeps_their_volumes_and_keys()
    {
        await using var h = await FormedAsync(5, 3);
        h.Coordinator.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.PatchSpec(new JsonObject { ["replicas"] = 3, ["threshold"] = 2 });

        await h.ReconcileAsync();
        await Eventually.TrueAsync(() => h.Cluster.Status?.Refresh is not null, "the resharing is recorded in status.refresh");
        await h.ReconcileAsync();

        var running = h.Cluster.Status!;
        Assert.Equal(SecretClusterPhase.Resharing, running.Phase);
        Assert.Equal((RefreshKind.Resharing, 2), (running.Refresh!.Kind!.Value, running.Refresh.NewThreshold!.Value));
        Assert.Equal([0, 1, 2], running.Refresh.Receivers);
        Assert.Equal((5, 3), (running.Replicas!.Value, running.Threshold!.Value));
        Assert.Equal(Conditions.Reasons.Resharing, h.Condition(Conditions.Progressing)!.Reason);
        Assert.Contains("from 3-of-5 to 2-of-3", h.Condition(Conditions.Progressing)!.Message);
        Assert.Equal(5, Names(h, KubeResources.Pods).Count);

        h.Coordinator.Gate.SetResult();
        await Eventually.TrueAsync(() => !h.Supervisor.Busy, "the resharing finished");
        await h.ReconcileAsync();
        await h.ReconcileAsync();

        Assert.DoesNotContain("demo-3", Names(h, KubeResources.Pods));
        Assert.DoesNotContain("demo-4", Names(h, KubeResources.Pods));
        Assert.DoesNotContain("demo-node-3-tls", Names(h, KubeResources.Secrets));
        Assert.Contains("data-demo-3", Names(h, KubeResources.PersistentVolumeClaims));
        Assert.Contains("data-demo-4", Names(h, KubeResources.PersistentVolumeClaims));
        Assert.Contains("demo-node-4-key", Names(h, KubeResources.Secrets));
        Assert.Equal((3, 2), (h.Cluster.Status!.Replicas!.Value, h.Cluster.Status.Threshold!.Value));
        Assert.Contains(h.Events.Recorded, e => e.Reason == "Reshared" && e.Note.StartsWith("Reshared 3-of-5 → 2-of-3", StringComparison.Ordinal));
        Assert.DoesNotContain("DataDeleted", h.Events.Reasons);
    }

    [Fact]
    public async Task With_deletionPolicy_Delete_a_scale_down_deletes_the_leaving_nodes_volumes_and_keys_once_their_pods_are_gone()
    {
        await using var h = await FormedAsync(5, 3, TestClusters.Demo(5, 3) with { Spec = TestClusters.Demo(5, 3).Spec with { DeletionPolicy = DeletionPolicy.Delete } });
        h.PatchSpec(new JsonObject { ["replicas"] = 3 });

        await h.ReconcileUntilIdleAsync();
        await h.ReconcileAsync();

        Assert.Equal(["data-demo-0", "data-demo-1", "data-demo-2"], Names(h, KubeResources.PersistentVolumeClaims));
        Assert.DoesNotContain("demo-node-3-key", Names(h, KubeResources.Secrets));
        Assert.DoesNotContain("demo-node-4-key", Names(h, KubeResources.Secrets));
        Assert.Contains("demo-node-2-key", Names(h, KubeResources.Secrets));
        var deleted = Assert.Single(h.Events.Recorded, e => e.Reason == "DataDeleted");
        Assert.Equal(EventSeverity.Warning, deleted.Severity);
        Assert.Contains("data-demo-3, demo-node-3-key, data-demo-4, demo-node-4-key", deleted.Note);
    }

    [Fact]
    public async Task Growing_with_a_new_threshold_starts_the_new_nodes_first_and_deals_to_them_instead_of_rebuilding_their_shares()
    {
        await using var h = await FormedAsync(3, 2);
        h.PatchSpec(new JsonObject { ["replicas"] = 5, ["threshold"] = 3 });

        await h.ReconcileAsync();
        h.Api.IssueCertificates();
        await h.ReconcileAsync();

        Assert.Equal(["demo-0", "demo-1", "demo-2", "demo-3", "demo-4"], Names(h, KubeResources.Pods));
        var waiting = h.Condition(Conditions.Progressing)!;
        Assert.Equal(Conditions.Reasons.Resharing, waiting.Reason);
        Assert.Contains("waits until the new nodes demo-3, demo-4 are Ready", waiting.Message);
        Assert.Equal(3, h.Cluster.Status!.ReadyReplicas);
        Assert.DoesNotContain(h.Coordinator.Calls, c => c.StartsWith("reshare", StringComparison.Ordinal));

        h.ReadyPods(3, 4);
        await h.ReconcileUntilIdleAsync();

        Assert.Contains("reshare 2-of-3 to 3-of-1,2,3,4,5", h.Coordinator.Calls);
        Assert.DoesNotContain(h.Coordinator.Calls, c => c.StartsWith("recover", StringComparison.Ordinal));
        Assert.Equal((5, 3), (h.Cluster.Status!.Replicas!.Value, h.Cluster.Status.Threshold!.Value));
    }

    [Fact]
    public async Task An_aborted_resharing_keeps_the_old_shape_names_the_culprit_and_backs_off()
    {
        await using var h = await FormedAsync(3, 2);
        h.Coordinator.ReshareDecision = OperationDecision.Abort;
        h.Coordinator.Culprits = [2];
        h.PatchSpec(new JsonObject { ["threshold"] = 3 });

        await h.ReconcileUntilIdleAsync();

        var failed = Assert.Single(h.Events.Recorded, e => e.Reason == "ReshareFailed");
        Assert.Equal(EventSeverity.Warning, failed.Severity);
        Assert.Contains("culprit nodes: demo-1 x=2", failed.Note);
        Assert.Equal((0L, 3, 2), (h.Cluster.Status!.Epoch!.Value, h.Cluster.Status.Replicas!.Value, h.Cluster.Status.Threshold!.Value));
        var progressing = h.Condition(Conditions.Progressing)!;
        Assert.False(progressing.IsTrue);
        Assert.Equal(Conditions.Reasons.ResharingFailed, progressing.Reason);
        Assert.Contains("so the fleet stays 2-of-3", progressing.Message);
        Assert.Contains("set spec.replicas 3 and spec.threshold 2 back", progressing.Message);
        Assert.Contains("\"--threshold\",\"2\"", h.PodSpec(0).ToJsonString(), StringComparison.Ordinal);

        await h.ReconcileAsync();
        Assert.Single(h.Coordinator.Calls, c => c.StartsWith("reshare", StringComparison.Ordinal));
        h.Time.Advance(TimeSpan.FromSeconds(6));
        await h.ReconcileUntilIdleAsync();
        Assert.Equal(2, h.Coordinator.Calls.Count(c => c.StartsWith("reshare", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_3_of_4_fleet_asked_to_become_2_of_4_keeps_its_shape_and_is_told_to_grow_first()
    {
        await using var h = await FormedAsync(4, 3);
        h.PatchSpec(new JsonObject { ["threshold"] = 2 });

        await h.ReconcileAsync();

        var progressing = h.Condition(Conditions.Progressing)!;
        Assert.Equal((false, Conditions.Reasons.ResharingRefused), (progressing.IsTrue, progressing.Reason));
        Assert.Contains("A 3-of-4 fleet cannot reshare", progressing.Message);
        Assert.Contains("set spec.replicas to 5 with spec.threshold 3", progressing.Message);
        Assert.Single(h.Events.Recorded, e => e.Reason == "SpecRefused" && e.Severity == EventSeverity.Warning);
        Assert.Equal(3, h.Cluster.Status!.Threshold);
        Assert.DoesNotContain(h.Coordinator.Calls, c => c.StartsWith("reshare", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restarted_operator_finishes_an_open_resharing_once_every_node_it_involves_is_Ready()
    {
        await using var h = await FormedAsync(3, 2);
        h.PatchStatus(new JsonObject
        {
            ["refresh"] = new JsonObject
            {
                ["id"] = "resharing-9", ["kind"] = "Resharing", ["fromEpoch"] = 0, ["targetEpoch"] = 1, ["decision"] = "Commit",
                ["participants"] = new JsonArray(0, 1, 2), ["receivers"] = new JsonArray(0, 1, 2, 3, 4), ["newThreshold"] = 3,
            },
        });
        h.PatchSpec(new JsonObject { ["replicas"] = 5, ["threshold"] = 3 });

        await h.ReconcileAsync();
        h.Api.IssueCertificates();
        await h.ReconcileAsync();

        Assert.Contains("Operation resharing-9 waits for demo-3, demo-4 to be Ready", h.Condition(Conditions.Refreshing)!.Message);
        Assert.Equal(SecretClusterPhase.Resharing, h.Cluster.Status!.Phase);
        var calls = h.Coordinator.Calls.Count;
        h.Coordinator.Resumed = new OperationOutcome("resharing-9", Core.Protos.OperationKind.Resharing, OperationDecision.Commit, 1, "", "", [], 0, TimeSpan.Zero, true);

        h.ReadyPods(3, 4);
        await h.ReconcileAsync();
        await Eventually.TrueAsync(() => !h.Supervisor.Busy, "the resume job finished");

        Assert.Equal(["connect 5", "resume"], h.Coordinator.Calls.Skip(calls));
    }

    [Fact]
    public async Task A_job_planned_from_a_read_taken_before_a_resharing_committed_does_nothing()
    {
        await using var h = await FormedAsync(5, 3);
        var stale = h.Cluster;
        h.PatchSpec(new JsonObject { ["replicas"] = 3, ["threshold"] = 2 });
        await h.ReconcileUntilIdleAsync();
        Assert.Equal(3, h.Cluster.Status!.Replicas);
        var calls = h.Coordinator.Calls.Count;

        // What a reconcile that read the old shape would plan: demo-3 and demo-4, which just left, look like members without shares.
        var view = new FleetView("vault/demo", 3, []);
        var job = new FleetJob(stale, view, view, new Dictionary<int, string>(), Resume: false, AllowFormation: false, RefreshPlanner.Plan(stale, h.Time.GetUtcNow(), null), RefreshAllowed: false);
        Assert.True(h.Supervisors.Get(Operator.Controller.ClusterKey.Parse(ReconcilerHarness.Key)).TryStart(job));
        await Eventually.TrueAsync(() => !h.Supervisor.Busy, "the stale job finished");

        Assert.Equal(["connect 0"], h.Coordinator.Calls.Skip(calls));
    }

    /// <summary>A harness whose fleet of <paramref name="replicas"/> nodes formed with <paramref name="threshold"/>; resharings record themselves in status as the real coordinator's do.</summary>
    private static async Task<ReconcilerHarness> FormedAsync(int replicas, int threshold, SecretCluster? cluster = null)
    {
        var h = new ReconcilerHarness(cluster ?? TestClusters.Demo(replicas, threshold));
        h.Coordinator.Log = new StatusOperationLog(h.Api, "vault", "demo", h.Time, NullLogger.Instance);
        await h.ProvisionAsync();
        h.ReadyPods([.. Enumerable.Range(0, replicas)]);
        await h.ReconcileUntilIdleAsync();
        Assert.Equal((0L, replicas, threshold), (h.Cluster.Status!.Epoch!.Value, h.Cluster.Status.Replicas!.Value, h.Cluster.Status.Threshold!.Value));
        return h;
    }

    private static AppliedShape AppliedOnService(ReconcilerHarness h) =>
        AppliedShape.OfService(h.Api.GetAsync<k8s.Models.V1Service>("vault", "demo-nodes", CancellationToken.None).Result)!;

    private static List<string> Names(ReconcilerHarness h, KubeResource resource) =>
        [.. h.Api.All(resource).Where(o => o["metadata"]!["deletionTimestamp"] is null).Select(o => (string)o["metadata"]!["name"]!).Order()];
}
