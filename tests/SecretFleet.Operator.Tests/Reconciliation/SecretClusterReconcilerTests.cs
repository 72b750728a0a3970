using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class SecretClusterReconcilerTests : IAsyncLifetime
{
    private readonly ReconcilerHarness h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task No_StatefulSet_while_the_certificates_are_pending()
    {
        await h.ReconcileAsync();

        Assert.Contains(LabelsAndAnnotations.CleanupFinalizer, h.Cluster.Metadata.Finalizers ?? []);
        Assert.Equal(4, h.Api.All(KubeResources.Certificates).Count);
        Assert.Equal(2, h.Api.All(KubeResources.Issuers).Count);
        Assert.Empty(h.Api.All(KubeResources.StatefulSets));
        Assert.Empty(h.Api.All(KubeResources.Secrets));
        Assert.Equal(SecretClusterPhase.Pending, h.Cluster.Status!.Phase);
        var certificates = h.Condition(Conditions.CertificatesReady)!;
        Assert.False(certificates.IsTrue);
        Assert.Contains("Certificate demo-node: waiting for cert-manager", certificates.Message);
    }

    [Fact]
    public async Task Issued_certificates_bring_the_workload_with_the_keys_Secret_first()
    {
        await h.ReconcileAsync();
        h.Api.IssueCertificates();
        h.Api.ClearCalls();

        await h.ReconcileAsync();

        var writes = h.Api.Writes.Select(c => $"{c.Verb} {c.Resource.Plural}").ToList();
        Assert.True(writes.IndexOf("create secrets") < writes.IndexOf("patch statefulsets"), string.Join(", ", writes));
        foreach (var resource in new[] { KubeResources.Services, KubeResources.StatefulSets, KubeResources.PodDisruptionBudgets, KubeResources.Secrets })
        {
            var child = Assert.Single(h.Api.All(resource));
            Assert.Equal(Support.TestClusters.Uid, (string?)child["metadata"]!["ownerReferences"]![0]!["uid"]);
        }

        Assert.True(h.Condition(Conditions.CertificatesReady)!.IsTrue);
        Assert.Equal(SecretClusterPhase.Provisioning, h.Cluster.Status!.Phase);
        Assert.Equal(["CertificatesIssued"], h.Events.Reasons);
    }

    [Fact]
    public async Task An_unchanged_world_writes_no_status_and_no_event()
    {
        await h.ProvisionAsync();
        await h.ReconcileAsync();
        var events = h.Events.Recorded.Count;
        h.Api.ClearCalls();

        await h.ReconcileAsync();

        Assert.DoesNotContain(h.Api.Calls, c => c.Subresource == "status");
        Assert.Equal(events, h.Events.Recorded.Count);
    }

    [Fact]
    public async Task Fleet_forms_when_every_node_is_ready_and_then_reports_Ready()
    {
        await h.ProvisionAsync();
        h.ReadyPods(0, 1);
        await h.ReconcileAsync();
        Assert.Empty(h.Coordinator.Calls);
        Assert.Contains("forms once all 3 nodes are Ready (2 are)", h.Condition(Conditions.Progressing)!.Message);

        h.ReadyPods(2);
        await h.ReconcileUntilIdleAsync();

        Assert.Equal(["connect 3", "membership formation=True", "epoch"], h.Coordinator.Calls);
        Assert.Contains("FleetFormed", h.Events.Reasons);
        var status = h.Cluster.Status!;
        Assert.Equal(0, status.Epoch);
        Assert.Equal(SecretClusterPhase.Ready, status.Phase);
        Assert.Equal(3, status.ReadyReplicas);
        Assert.True(h.Condition(Conditions.Ready)!.IsTrue);
        Assert.Equal(Support.TestClusters.Created + TimeSpan.FromMinutes(10), status.NextRefreshTime);
    }

    [Fact]
    public async Task Requested_refresh_runs_once_every_node_is_ready_and_is_not_repeated()
    {
        await FormAsync();
        Annotate(h.Time.GetUtcNow().ToString("O"));
        h.Pod(1, StatefulSetSpec.TemplateHashOf(StatefulSet())!, ready: false);

        await h.ReconcileAsync();

        Assert.DoesNotContain("refresh", h.Coordinator.Calls);
        var waiting = h.Condition(Conditions.Refreshing)!;
        Assert.Equal(Conditions.Reasons.RefreshWaitingForNodes, waiting.Reason);
        Assert.Contains("2 of 3 are", waiting.Message);
        Assert.Equal(SecretClusterPhase.Degraded, h.Cluster.Status!.Phase);

        h.ReadyPods(1);
        await h.ReconcileUntilIdleAsync();
        await h.ReconcileUntilIdleAsync();

        Assert.Single(h.Coordinator.Calls, "refresh");
        Assert.Contains("EpochStarted", h.Events.Reasons);
        var completed = Assert.Single(h.Events.Recorded, e => e.Reason == "EpochCompleted");
        Assert.Contains("Epoch 1 committed", completed.Note);
    }

    [Fact]
    public async Task Scheduled_refresh_is_due_after_the_interval_and_requeues_until_then()
    {
        await FormAsync();

        var result = await h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Requeue, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(9), result.RequeueAfter);
        h.Time.Advance(TimeSpan.FromMinutes(9));
        await h.ReconcileUntilIdleAsync();
        Assert.Contains("refresh", h.Coordinator.Calls);
        Assert.Contains(h.Events.Recorded, e => e.Reason == "EpochStarted" && e.Note.Contains("scheduled (every 10m)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_refresh_names_the_culprits_and_backs_off()
    {
        await FormAsync();
        h.Coordinator.RefreshDecision = Core.Epochs.OperationDecision.Abort;
        h.Coordinator.Culprits = [2];
        Annotate(h.Time.GetUtcNow().ToString("O"));

        await h.ReconcileUntilIdleAsync();

        var failed = Assert.Single(h.Events.Recorded, e => e.Reason == "EpochFailed");
        Assert.Equal(Operator.Reconciliation.EventSeverity.Warning, failed.Severity);
        Assert.Contains("culprit nodes: demo-1 x=2", failed.Note);
        Assert.Equal(Conditions.Reasons.RefreshAborted, h.Condition(Conditions.Refreshing)!.Reason);
        var calls = h.Coordinator.Calls.Count;
        await h.ReconcileAsync();
        Assert.Equal(calls, h.Coordinator.Calls.Count);
        h.Time.Advance(TimeSpan.FromSeconds(6));
        await h.ReconcileUntilIdleAsync();
        Assert.Equal(2, h.Coordinator.Calls.Count(c => c == "refresh"));
    }

    [Fact]
    public async Task Scale_up_adds_keys_then_rebuilds_the_new_nodes_shares_before_they_count()
    {
        await FormAsync();
        var keysBefore = Keys();
        h.PatchSpec(new JsonObject { ["replicas"] = 5 });

        await h.ReconcileAsync();

        Assert.Equal(5, StatefulSetSpec.ReplicasOf(StatefulSet()));
        var keys = Keys();
        Assert.Equal(["node-0.key", "node-1.key", "node-2.key", "node-3.key", "node-4.key"], keys.Keys.Order());
        Assert.All(keysBefore, k => Assert.Equal(k.Value, keys[k.Key]));
        Assert.Contains(h.Events.Recorded, e => e.Reason == "Scaled" && e.Note.StartsWith("Scaled from 3 to 5 nodes", StringComparison.Ordinal));

        h.Coordinator.NonMembers.UnionWith([4, 5]);
        h.ReadyPods(3, 4);
        await h.ReconcileAsync();
        await Eventually.TrueAsync(() => !h.Supervisor.Busy, "the recovery job finished");

        Assert.Equal(["recover 4", "recover 5"], h.Coordinator.Calls.Where(c => c.StartsWith("recover", StringComparison.Ordinal)));
        Assert.Equal(2, h.Events.Reasons.Count(r => r == "SharesRecovered"));
        await h.ReconcileAsync();
        Assert.Equal(5, h.Cluster.Status!.ReadyReplicas);
    }

    [Fact]
    public async Task A_new_node_that_is_not_yet_rebuilt_does_not_count_as_ready()
    {
        await FormAsync();
        h.PatchSpec(new JsonObject { ["replicas"] = 4 });
        await h.ReconcileAsync();
        h.Coordinator.NonMembers.Add(4);
        h.ReadyPods(3);

        // The recovery job cannot connect: the new node is Ready but holds no shares.
        h.Coordinator.ConnectFailure = new Operator.Epochs.FleetUnavailableException("Secret vault/demo-operator-tls has no tls.crt yet.");
        await h.ReconcileUntilIdleAsync();

        Assert.Equal(3, h.Cluster.Status!.ReadyReplicas);
        var progressing = h.Condition(Conditions.Progressing)!;
        Assert.Equal(Conditions.Reasons.OperationFailed, progressing.Reason);
        Assert.Contains("demo-operator-tls has no tls.crt yet", progressing.Message);
    }

    [Fact]
    public async Task Replica_changes_wait_while_an_operation_is_open()
    {
        await FormAsync();
        h.PatchStatus(new JsonObject { ["refresh"] = new JsonObject { ["id"] = "refresh-9", ["targetEpoch"] = 1, ["participants"] = new JsonArray(0, 1, 2) } });
        h.PatchSpec(new JsonObject { ["replicas"] = 2 });

        await h.ReconcileAsync();

        Assert.Equal(3, StatefulSetSpec.ReplicasOf(StatefulSet()));
        Assert.Contains("waits for operation refresh-9", h.Condition(Conditions.Progressing)!.Message);
        Assert.True(h.Condition(Conditions.Refreshing)!.IsTrue);
    }

    [Fact]
    public async Task Stale_pods_are_replaced_one_at_a_time_and_never_during_an_operation()
    {
        await FormAsync();
        var oldHash = StatefulSetSpec.TemplateHashOf(StatefulSet())!;
        h.PatchSpec(new JsonObject { ["image"] = "ghcr.io/secretfleet/node:next" });
        h.PatchStatus(new JsonObject { ["refresh"] = new JsonObject { ["id"] = "refresh-9", ["targetEpoch"] = 1, ["participants"] = new JsonArray(0, 1, 2) } });

        await h.ReconcileAsync();

        Assert.NotEqual(oldHash, StatefulSetSpec.TemplateHashOf(StatefulSet()));
        Assert.Equal(3, h.Api.All(KubeResources.Pods).Count);
        Assert.Contains("once the running operation finishes", h.Condition(Conditions.Progressing)!.Message);

        // The open operation is resumed in the background; once it is closed, replacement starts.
        await Eventually.TrueAsync(() => !h.Supervisor.Busy, "the resume job finished");
        h.PatchStatus(new JsonObject { ["refresh"] = null });
        await h.ReconcileAsync();
        await h.ReconcileAsync();

        Assert.Equal(["demo-1", "demo-2"], h.Api.All(KubeResources.Pods).Select(p => (string)p["metadata"]!["name"]!));
        Assert.Single(h.Events.Recorded, e => e.Reason == "PodReplaced" && e.Note.StartsWith("Deleted demo-0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_API_call_is_a_failure_result_naming_it()
    {
        h.Api.FailWhen = c => c.Verb == "patch" && c.Resource == KubeResources.Certificates
            ? Support.FakeKubeApi.Error(System.Net.HttpStatusCode.Forbidden, "Forbidden", "certificates.cert-manager.io is forbidden")
            : null;

        var result = await h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Failure, result.Outcome);
        Assert.Contains("forbidden", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_cert_manager_the_status_says_to_install_it()
    {
        h.Api.FailWhen = c => c.Resource.Group == "cert-manager.io"
            ? Support.FakeKubeApi.Error(System.Net.HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource")
            : null;

        await h.ReconcileAsync();

        Assert.Equal(SecretClusterPhase.Pending, h.Cluster.Status!.Phase);
        Assert.StartsWith("cert-manager is not installed", h.Condition(Conditions.CertificatesReady)!.Message, StringComparison.Ordinal);
        Assert.Empty(h.Api.All(KubeResources.StatefulSets));
    }

    [Fact]
    public async Task Deleting_a_cluster_runs_its_policy_through_the_finalizer_and_stops_its_supervisor()
    {
        await FormAsync();
        await h.Api.DeleteAsync(KubeResources.SecretClusters, "vault", "demo", null, CancellationToken.None);

        var result = await h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        Assert.Null(h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));
        Assert.Equal(0, h.Supervisors.Count);
        Assert.Contains("DataRetained", h.Events.Reasons);
        Assert.Equal(ReconcileOutcome.Success, (await h.ReconcileAsync()).Outcome);
    }

    private async Task FormAsync()
    {
        await h.ProvisionAsync();
        h.ReadyPods(0, 1, 2);
        await h.ReconcileUntilIdleAsync();
        Assert.Equal(0, h.Cluster.Status!.Epoch);
    }

    private void Annotate(string value) =>
        h.Api.PatchAsync<SecretCluster>("vault", "demo", KubePatch.Annotations([KeyValuePair.Create(LabelsAndAnnotations.RefreshRequestedAt, (string?)value)]), CancellationToken.None).Wait();

    private StatefulSet StatefulSet() => h.Api.GetAsync<StatefulSet>("vault", "demo", CancellationToken.None).Result!;

    private IReadOnlyDictionary<string, byte[]> Keys() => h.Api.GetAsync<Secret>("vault", "demo-node-keys", CancellationToken.None).Result!.Data!;
}
