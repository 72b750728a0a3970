using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Queue;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class SecretClusterReconcilerTests : IAsyncLifetime
{
    private readonly ReconcilerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task No_workload_while_the_certificates_are_pending()
    {
        await _h.ReconcileAsync();

        Assert.Contains(LabelsAndAnnotations.CleanupFinalizer, _h.Cluster.Metadata.Finalizers ?? []);
        Assert.Equal(["demo-ca"], Names(KubeResources.Certificates));
        Assert.Equal(["demo-selfsigned"], Names(KubeResources.Issuers));
        Assert.Empty(_h.Api.All(KubeResources.Pods));
        Assert.Empty(_h.Api.All(KubeResources.Services));
        Assert.Empty(_h.Api.All(KubeResources.Secrets));
        Assert.Equal(SecretClusterPhase.Pending, _h.Cluster.Status!.Phase);
        var certificates = _h.Condition(Conditions.CertificatesReady)!;
        Assert.False(certificates.IsTrue);
        Assert.Contains("Certificate demo-ca: waiting for cert-manager", certificates.Message);
    }

    [Fact]
    public async Task Issued_certificates_bring_each_node_its_key_Secret_then_its_volume_then_its_pod()
    {
        await _h.ReconcileAsync();
        _h.Api.IssueCertificates();
        _h.Api.ClearCalls();

        await _h.ReconcileAsync();

        var writes = _h.Api.Writes.Select(c => $"{c.Verb} {c.Resource.Plural} {c.Name}").ToList();
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var key = writes.IndexOf($"create secrets demo-node-{ordinal}-key");
            var claim = writes.IndexOf($"create persistentvolumeclaims data-demo-{ordinal}");
            var pod = writes.IndexOf($"create pods demo-{ordinal}");
            Assert.True(key >= 0 && key < claim && claim < pod, string.Join(", ", writes));
        }

        foreach (var resource in new[] { KubeResources.Services, KubeResources.PodDisruptionBudgets, KubeResources.Secrets, KubeResources.Pods })
        {
            // The CA's Secret is cert-manager's, not the operator's.
            Assert.All(_h.Api.All(resource).Where(c => (string?)c["metadata"]!["name"] != "demo-ca"),
                child => Assert.Equal(Support.TestClusters.Uid, (string?)child["metadata"]!["ownerReferences"]![0]!["uid"]));
        }

        // Garbage collection must never take a node's volume: PVCs have no owner.
        Assert.Equal(["data-demo-0", "data-demo-1", "data-demo-2"], Names(KubeResources.PersistentVolumeClaims));
        Assert.All(_h.Api.All(KubeResources.PersistentVolumeClaims), c => Assert.Null(c["metadata"]!["ownerReferences"]));
        Assert.Equal(
            ["demo-ca", "demo-client-tls", "demo-node-0-key", "demo-node-0-tls", "demo-node-1-key", "demo-node-1-tls", "demo-node-2-key", "demo-node-2-tls", "demo-operator-tls"],
            Names(KubeResources.Secrets));
        Assert.Empty(_h.Api.All(KubeResources.StatefulSets));
        Assert.True(_h.Condition(Conditions.CertificatesReady)!.IsTrue);
        Assert.Equal(SecretClusterPhase.Provisioning, _h.Cluster.Status!.Phase);
        Assert.Equal(["CertificatesIssued"], _h.Events.Reasons);
    }

    [Fact]
    public async Task Each_pod_mounts_only_its_own_certificate_and_key_and_the_coordinator_expects_each_nodes_own_identity()
    {
        await FormAsync();

        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var secrets = _h.PodSpec(ordinal)["volumes"]!.AsArray().Select(v => (string?)v!["secret"]?["secretName"]).OfType<string>();
            Assert.Equal([$"demo-node-{ordinal}-tls", $"demo-node-{ordinal}-key"], secrets);
        }

        var members = _h.Coordinator.Views[^1].Members;
        Assert.Equal(["spiffe://demo.vault/node/demo-0", "spiffe://demo.vault/node/demo-1", "spiffe://demo.vault/node/demo-2"],
            members.OrderBy(m => m.X).Select(m => m.Identity.ToString()));
    }

    [Fact]
    public async Task An_unchanged_world_writes_no_status_and_no_event()
    {
        await _h.ProvisionAsync();
        await _h.ReconcileAsync();
        var events = _h.Events.Recorded.Count;
        _h.Api.ClearCalls();

        await _h.ReconcileAsync();

        Assert.DoesNotContain(_h.Api.Calls, c => c.Subresource == "status");
        Assert.Equal(events, _h.Events.Recorded.Count);
    }

    [Fact]
    public async Task Nodes_sharing_a_host_are_reported_and_a_host_holding_threshold_shares_is_named()
    {
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1, 2);
        _h.Api.Bind("vault", "demo-0", "worker-a");
        _h.Api.Bind("vault", "demo-1", "worker-b");
        _h.Api.Bind("vault", "demo-2", "worker-b");
        await _h.ReconcileAsync();
        var shared = _h.Condition(Conditions.SharedHost)!;

        Assert.True(shared.IsTrue);
        Assert.Equal(Conditions.Reasons.HostHoldsThreshold, shared.Reason);
        Assert.StartsWith("host worker-b runs demo-1, demo-2: one machine holds threshold (2) shares", shared.Message, StringComparison.Ordinal);

        _h.Api.Bind("vault", "demo-2", "worker-c");
        await _h.ReconcileAsync();
        var apart = _h.Condition(Conditions.SharedHost)!;
        Assert.False(apart.IsTrue);
        Assert.Equal(Conditions.Reasons.DistinctHosts, apart.Reason);
    }

    [Fact]
    public async Task Fleet_forms_when_every_node_is_ready_and_then_reports_Ready()
    {
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1);
        await _h.ReconcileAsync();
        Assert.Empty(_h.Coordinator.Calls);
        Assert.Contains("forms once all 3 nodes are Ready (2 are)", _h.Condition(Conditions.Progressing)!.Message);

        _h.ReadyPods(2);
        await _h.ReconcileUntilIdleAsync();

        Assert.Equal(["connect 3", "membership formation=True", "epoch"], _h.Coordinator.Calls);
        Assert.Contains("FleetFormed", _h.Events.Reasons);
        var status = _h.Cluster.Status!;
        Assert.Equal(0, status.Epoch);
        Assert.Equal(SecretClusterPhase.Ready, status.Phase);
        Assert.Equal(3, status.ReadyReplicas);
        Assert.True(_h.Condition(Conditions.Ready)!.IsTrue);
        Assert.Equal(Support.TestClusters.Created + TimeSpan.FromMinutes(10), status.NextRefreshTime);
    }

    [Fact]
    public async Task Requested_refresh_runs_once_every_node_is_ready_and_is_not_repeated()
    {
        await FormAsync();
        Annotate(_h.Time.GetUtcNow().ToString("O"));
        _h.SetPodStatus(1, ready: false);

        await _h.ReconcileAsync();

        Assert.DoesNotContain("refresh", _h.Coordinator.Calls);
        var waiting = _h.Condition(Conditions.Refreshing)!;
        Assert.Equal(Conditions.Reasons.RefreshWaitingForNodes, waiting.Reason);
        Assert.Contains("2 of 3 are", waiting.Message);
        Assert.Equal(SecretClusterPhase.Degraded, _h.Cluster.Status!.Phase);

        _h.ReadyPods(1);
        await _h.ReconcileUntilIdleAsync();
        await _h.ReconcileUntilIdleAsync();

        Assert.Single(_h.Coordinator.Calls, "refresh");
        Assert.Contains("EpochStarted", _h.Events.Reasons);
        var completed = Assert.Single(_h.Events.Recorded, e => e.Reason == "EpochCompleted");
        Assert.Contains("Epoch 1 committed", completed.Note);
    }

    [Fact]
    public async Task Scheduled_refresh_is_due_after_the_interval_and_requeues_until_then()
    {
        await FormAsync();

        var result = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Requeue, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(9), result.RequeueAfter);
        _h.Time.Advance(TimeSpan.FromMinutes(9));
        await _h.ReconcileUntilIdleAsync();
        Assert.Contains("refresh", _h.Coordinator.Calls);
        Assert.Contains(_h.Events.Recorded, e => e.Reason == "EpochStarted" && e.Note.Contains("scheduled (every 10m)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_refresh_names_the_culprits_and_backs_off()
    {
        await FormAsync();
        _h.Coordinator.RefreshDecision = Core.Epochs.OperationDecision.Abort;
        _h.Coordinator.Culprits = [2];
        Annotate(_h.Time.GetUtcNow().ToString("O"));

        await _h.ReconcileUntilIdleAsync();

        var failed = Assert.Single(_h.Events.Recorded, e => e.Reason == "EpochFailed");
        Assert.Equal(Operator.Reconciliation.EventSeverity.Warning, failed.Severity);
        Assert.Contains("culprit nodes: demo-1 x=2", failed.Note);
        Assert.Equal(Conditions.Reasons.RefreshAborted, _h.Condition(Conditions.Refreshing)!.Reason);
        var calls = _h.Coordinator.Calls.Count;
        await _h.ReconcileAsync();
        Assert.Equal(calls, _h.Coordinator.Calls.Count);
        _h.Time.Advance(TimeSpan.FromSeconds(6));
        await _h.ReconcileUntilIdleAsync();
        Assert.Equal(2, _h.Coordinator.Calls.Count(c => c == "refresh"));
    }

    [Fact]
    public async Task Scale_up_adds_keys_identities_and_pods_then_rebuilds_the_new_nodes_shares()
    {
        await FormAsync();
        var keysBefore = Keys();
        _h.PatchSpec(new JsonObject { ["replicas"] = 5 });

        await _h.ReconcileAsync();

        Assert.Equal(5, Applied().Replicas);
        Assert.Contains(_h.Events.Recorded, e => e.Reason == "Scaled" && e.Note.StartsWith("Scaled from 3 to 5 nodes", StringComparison.Ordinal));
        Assert.NotEqual(SecretClusterPhase.Pending, _h.Cluster.Status!.Phase);
        using (var fourth = Leaf("demo-node-4-tls"))
        {
            Assert.Equal(ChildNames.NodeIdentity(_h.Cluster, 4), FleetIdentity.FromCertificate(fourth));
        }

        var keys = Keys();
        Assert.Equal(["demo-node-0-key", "demo-node-1-key", "demo-node-2-key", "demo-node-3-key", "demo-node-4-key"], keys.Keys.Order());
        Assert.All(keysBefore, k => Assert.Equal(k.Value, keys[k.Key]));
        Assert.Equal(["demo-0", "demo-1", "demo-2", "demo-3", "demo-4"], Names(KubeResources.Pods));

        _h.Coordinator.NonMembers.UnionWith([4, 5]);
        _h.ReadyPods(3, 4);
        await _h.ReconcileAsync();
        await Eventually.TrueAsync(() => !_h.Supervisor.Busy, "the recovery job finished");

        Assert.Equal(["recover 4", "recover 5"], _h.Coordinator.Calls.Where(c => c.StartsWith("recover", StringComparison.Ordinal)));
        Assert.Equal(2, _h.Events.Reasons.Count(r => r == "SharesRecovered"));
        await _h.ReconcileAsync();
        Assert.Equal(5, _h.Cluster.Status!.ReadyReplicas);
    }

    [Fact]
    public async Task Each_client_of_spec_clients_gets_its_own_certificate_and_loses_it_when_taken_out()
    {
        await FormAsync();
        _h.PatchSpec(new JsonObject { ["clients"] = new JsonArray(new JsonObject { ["name"] = "team-a" }, new JsonObject { ["name"] = "ci" }) });

        await _h.ReconcileAsync();

        using (var ci = Leaf("demo-client-ci-tls"))
        {
            Assert.Equal("spiffe://demo.vault/client/ci", FleetIdentity.FromCertificate(ci)!.ToString());
            Assert.Equal(["1.3.6.1.5.5.7.3.2"], ci.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        }

        Assert.Contains("demo-client-team-a-tls", Names(KubeResources.Secrets));
        _h.PatchSpec(new JsonObject { ["clients"] = new JsonArray(new JsonObject { ["name"] = "team-a" }) });
        await _h.ReconcileAsync();

        Assert.DoesNotContain("demo-client-ci-tls", Names(KubeResources.Secrets));
        Assert.Contains("demo-client-team-a-tls", Names(KubeResources.Secrets));
        Assert.Contains("demo-client-tls", Names(KubeResources.Secrets));
    }

    [Fact]
    public async Task With_an_issuerRef_each_client_is_a_Certificate_and_one_still_pending_holds_up_nobody()
    {
        await using var h = new ReconcilerHarness(Support.TestClusters.Demo() with { Spec = Support.TestClusters.Demo().Spec with { IssuerRef = new IssuerRef { Name = "corp-ca" } } });
        await h.ProvisionAsync();
        h.ReadyPods(0, 1, 2);
        await h.ReconcileUntilIdleAsync();
        h.PatchSpec(new JsonObject { ["clients"] = new JsonArray(new JsonObject { ["name"] = "ci" }) });

        await h.ReconcileAsync();

        var ci = h.Api.Raw(KubeResources.Certificates, "vault", "demo-client-ci")!;
        Assert.Equal("demo-client-ci-tls", (string?)ci["spec"]!["secretName"]);
        Assert.Equal(["spiffe://demo.vault/client/ci"], ci["spec"]!["uris"]!.AsArray().Select(u => (string?)u));
        Assert.Equal(SecretClusterPhase.Ready, h.Cluster.Status!.Phase);
        Assert.Contains("demo-client-ci: waiting for cert-manager", h.Condition(Conditions.CertificatesReady)!.Message);
        var protection = h.Condition(Conditions.IdentitiesProtected)!;
        Assert.False(protection.IsTrue);
        Assert.Equal(Conditions.Reasons.SharedIssuer, protection.Reason);

        h.PatchSpec(new JsonObject { ["clients"] = new JsonArray() });
        await h.ReconcileAsync();

        Assert.Null(h.Api.Raw(KubeResources.Certificates, "vault", "demo-client-ci"));
    }

    [Fact]
    public async Task A_volume_without_its_key_gets_no_new_key_and_no_pod()
    {
        await FormAsync();
        using (_h.Api.Quiet())
        {
            await _h.Api.DeleteAsync(KubeResources.Secrets, "vault", "demo-node-1-key", null, CancellationToken.None);
            await _h.Api.DeleteAsync(KubeResources.Pods, "vault", "demo-1", null, CancellationToken.None);
        }

        await _h.ReconcileAsync();

        Assert.Null(_h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-1-key"));
        Assert.Null(_h.Api.Raw(KubeResources.Pods, "vault", "demo-1"));
        var progressing = _h.Condition(Conditions.Progressing)!;
        Assert.Equal(Conditions.Reasons.NodeKeyMissing, progressing.Reason);
        Assert.Contains("PVC data-demo-1 exists but Secret demo-node-1-key", progressing.Message);
        Assert.Single(_h.Events.Recorded, e => e.Reason == "NodeKeyMissing" && e.Severity == Operator.Reconciliation.EventSeverity.Warning);

        // Without the volume the node starts afresh: a new key, and share recovery rebuilds its shares.
        using (_h.Api.Quiet())
        {
            await _h.Api.DeleteAsync(KubeResources.PersistentVolumeClaims, "vault", "data-demo-1", null, CancellationToken.None);
        }

        await _h.ReconcileAsync();

        Assert.NotNull(_h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-1-key"));
        Assert.NotNull(_h.Api.Raw(KubeResources.Pods, "vault", "demo-1"));
    }

    [Fact]
    public async Task A_new_node_that_is_not_yet_rebuilt_does_not_count_as_ready()
    {
        await FormAsync();
        _h.PatchSpec(new JsonObject { ["replicas"] = 4 });
        await _h.ReconcileAsync();
        _h.Api.IssueCertificates();
        await _h.ReconcileAsync();
        _h.Coordinator.NonMembers.Add(4);
        _h.ReadyPods(3);

        // The recovery job cannot connect: the new node is Ready but holds no shares.
        _h.Coordinator.ConnectFailure = new Operator.Epochs.FleetUnavailableException("Secret vault/demo-operator-tls has no tls.crt yet.");
        await _h.ReconcileUntilIdleAsync();

        Assert.Equal(3, _h.Cluster.Status!.ReadyReplicas);
        var progressing = _h.Condition(Conditions.Progressing)!;
        Assert.Equal(Conditions.Reasons.OperationFailed, progressing.Reason);
        Assert.Contains("demo-operator-tls has no tls.crt yet", progressing.Message);
    }

    [Fact]
    public async Task Replica_changes_wait_while_an_operation_is_open()
    {
        await FormAsync();
        _h.PatchStatus(new JsonObject { ["refresh"] = new JsonObject { ["id"] = "refresh-9", ["targetEpoch"] = 1, ["participants"] = new JsonArray(0, 1, 2) } });
        _h.PatchSpec(new JsonObject { ["replicas"] = 5 });

        await _h.ReconcileAsync();

        Assert.Equal(3, Applied().Replicas);
        Assert.Equal(3, _h.Api.All(KubeResources.Pods).Count);
        Assert.Contains("waits for operation refresh-9", _h.Condition(Conditions.Progressing)!.Message);
        Assert.True(_h.Condition(Conditions.Refreshing)!.IsTrue);
    }

    [Fact]
    public async Task A_pod_an_older_operator_built_from_the_same_spec_is_relabelled_not_replaced()
    {
        await FormAsync();
        var old = Uids();
        var current = (string)_h.Api.Raw(KubeResources.Pods, "vault", "demo-1")!["metadata"]!["labels"]![LabelsAndAnnotations.TemplateHash]!;
        var legacy = Operator.Specs.NodePodSpec.LegacyTemplateHash(_h.Cluster, "ghcr.io/secretfleet/node:test", 1, 2);
        Assert.NotEqual(current, legacy);
        using (_h.Api.Quiet())
        {
            await _h.Api.PatchAsync<V1Pod>("vault", "demo-1", KubePatch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [LabelsAndAnnotations.TemplateHash] = legacy } },
            }), CancellationToken.None);
        }

        await _h.ReconcileAsync();

        Assert.Equal(old, Uids());
        Assert.Equal(current, (string?)_h.Api.Raw(KubeResources.Pods, "vault", "demo-1")!["metadata"]!["labels"]![LabelsAndAnnotations.TemplateHash]);
        Assert.DoesNotContain(_h.Events.Recorded, e => e.Reason == "PodReplaced");
    }

    [Fact]
    public async Task Stale_pods_are_replaced_one_at_a_time_and_never_during_an_operation()
    {
        await FormAsync();
        var old = Uids();
        _h.PatchSpec(new JsonObject { ["image"] = "ghcr.io/secretfleet/node:next" });
        _h.PatchStatus(new JsonObject { ["refresh"] = new JsonObject { ["id"] = "refresh-9", ["targetEpoch"] = 1, ["participants"] = new JsonArray(0, 1, 2) } });

        await _h.ReconcileAsync();

        Assert.Equal(old, Uids());
        Assert.Contains("once the running operation finishes", _h.Condition(Conditions.Progressing)!.Message);

        // The open operation is resumed in the background; once it is closed, replacement starts.
        await Eventually.TrueAsync(() => !_h.Supervisor.Busy, "the resume job finished");
        _h.PatchStatus(new JsonObject { ["refresh"] = null });
        await _h.ReconcileAsync();
        await _h.ReconcileAsync();

        // demo-0 was deleted and made anew with the new image; the others wait until it is Ready and holds its shares.
        var now = Uids();
        Assert.NotEqual(old[0], now[0]);
        Assert.Equal(old.Skip(1), now.Skip(1));
        Assert.Equal("ghcr.io/secretfleet/node:next", (string?)_h.PodSpec(0)["containers"]![0]!["image"]);
        Assert.Single(_h.Events.Recorded, e => e.Reason == "PodReplaced" && e.Note.StartsWith("Deleted demo-0", StringComparison.Ordinal));

        // Ready is not enough: the next one goes only once the survey found demo-0 holding its shares again.
        _h.ReadyPods(0);
        await _h.ReconcileAsync();
        Assert.Equal(old.Skip(1), Uids().Skip(1));

        await Eventually.TrueAsync(() => !_h.Supervisor.Busy, "the membership survey finished");
        await _h.ReconcileAsync();
        await _h.ReconcileAsync();

        Assert.Equal(old[2], Uids()[2]);
        Assert.NotEqual(old[1], Uids()[1]);
    }

    [Fact]
    public async Task A_failed_API_call_is_a_failure_result_naming_it()
    {
        _h.Api.FailWhen = c => c.Verb == "patch" && c.Resource == KubeResources.Certificates
            ? Support.FakeKubeApi.Error(System.Net.HttpStatusCode.Forbidden, "Forbidden", "certificates.cert-manager.io is forbidden")
            : null;

        var result = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Failure, result.Outcome);
        Assert.Contains("forbidden", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_cert_manager_the_status_says_to_install_it()
    {
        _h.Api.FailWhen = c => c.Resource.Group == "cert-manager.io"
            ? Support.FakeKubeApi.Error(System.Net.HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource")
            : null;

        await _h.ReconcileAsync();

        Assert.Equal(SecretClusterPhase.Pending, _h.Cluster.Status!.Phase);
        Assert.StartsWith("cert-manager is not installed", _h.Condition(Conditions.CertificatesReady)!.Message, StringComparison.Ordinal);
        Assert.Empty(_h.Api.All(KubeResources.Pods));
    }

    [Fact]
    public async Task Deleting_a_cluster_runs_its_policy_through_the_finalizer_and_stops_its_supervisor()
    {
        await FormAsync();
        await _h.Api.DeleteAsync(KubeResources.SecretClusters, "vault", "demo", null, CancellationToken.None);

        var result = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        Assert.Null(_h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));
        Assert.Equal(0, _h.Supervisors.Count);
        Assert.Contains("DataRetained", _h.Events.Reasons);
        Assert.Equal(ReconcileOutcome.Success, (await _h.ReconcileAsync()).Outcome);
    }

    private async Task FormAsync()
    {
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1, 2);
        await _h.ReconcileUntilIdleAsync();
        Assert.Equal(0, _h.Cluster.Status!.Epoch);
    }

    private void Annotate(string value) =>
        _h.Api.PatchAsync<SecretCluster>("vault", "demo", KubePatch.Annotations([KeyValuePair.Create(LabelsAndAnnotations.RefreshRequestedAt, (string?)value)]), CancellationToken.None).Wait();

    private Operator.Reconciliation.AppliedShape Applied() =>
        Operator.Reconciliation.AppliedShape.OfService(_h.Api.GetAsync<V1Service>("vault", "demo-nodes", CancellationToken.None).Result)!;

    /// <summary>Key Secret name → its node.key.</summary>
    private Dictionary<string, byte[]> Keys() =>
        _h.Api.All(KubeResources.Secrets).Where(s => s["data"]?["node.key"] is not null).ToDictionary(s => (string)s["metadata"]!["name"]!, s => Convert.FromBase64String((string)s["data"]!["node.key"]!));

    private X509Certificate2 Leaf(string secret) =>
        X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(Convert.FromBase64String((string)_h.Api.Raw(KubeResources.Secrets, "vault", secret)!["data"]!["tls.crt"]!)));

    private List<string> Names(KubeResource resource) => [.. _h.Api.All(resource).Select(o => (string)o["metadata"]!["name"]!).Order()];

    private List<string> Uids() => [.. Enumerable.Range(0, 3).Select(o => (string)_h.Api.Raw(KubeResources.Pods, "vault", $"demo-{o}")!["metadata"]!["uid"]!)];
}
