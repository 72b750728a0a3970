using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class DeletionReconcilerTests : IAsyncLifetime
{
    private ReconcilerHarness _h = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Delete_policy_stops_the_pods_then_deletes_volumes_keys_and_certificates()
    {
        await FormAsync(DeletionPolicy.Delete);
        foreach (var claim in new[] { "data-other-0", "data-demo-x" })
        {
            Claim(claim);
        }

        CertificateSecret("demo-node-0-tls", "demo");
        CertificateSecret("unrelated-tls", "other");
        await _h.Api.DeleteAsync(KubeResources.SecretClusters, "vault", "demo", null, CancellationToken.None);

        var waiting = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Requeue, waiting.Outcome);
        Assert.Empty(_h.Api.All(KubeResources.Pods));
        Assert.Equal(5, _h.Api.All(KubeResources.PersistentVolumeClaims).Count);

        var done = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Success, done.Outcome);
        Assert.Equal(["data-demo-x", "data-other-0"], _h.Api.All(KubeResources.PersistentVolumeClaims).Select(c => (string)c["metadata"]!["name"]!).Order());
        Assert.Equal(["unrelated-tls"], _h.Api.All(KubeResources.Secrets).Select(c => (string)c["metadata"]!["name"]!));
        Assert.Empty(_h.Api.All(KubeResources.Certificates));
        Assert.Null(_h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));
        var deleted = Assert.Single(_h.Events.Recorded, e => e.Reason == "DataDeleted");
        Assert.Equal(Operator.Reconciliation.EventSeverity.Warning, deleted.Severity);
        Assert.Contains("deleted PVCs data-demo-0, data-demo-1, data-demo-2 and key Secrets demo-node-0-key, demo-node-1-key, demo-node-2-key", deleted.Note);
    }

    [Fact]
    public async Task Retain_policy_waits_for_a_running_refresh_then_keeps_volumes_and_releases_the_keys()
    {
        await FormAsync(DeletionPolicy.Retain);
        _h.Coordinator.Gate = new TaskCompletionSource();
        await _h.Api.PatchAsync<SecretCluster>("vault", "demo", KubePatch.Annotations([KeyValuePair.Create(LabelsAndAnnotations.RefreshRequestedAt, (string?)_h.Time.GetUtcNow().ToString("O"))]), CancellationToken.None);
        await _h.ReconcileAsync();
        await Eventually.TrueAsync(() => _h.Coordinator.Calls.Contains("refresh"), "the refresh runs");
        await _h.Api.DeleteAsync(KubeResources.SecretClusters, "vault", "demo", null, CancellationToken.None);

        var waiting = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Requeue, waiting.Outcome);
        Assert.NotNull(_h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));

        _h.Coordinator.Gate.SetResult();
        await Eventually.TrueAsync(() => !_h.Supervisor.Busy, "the refresh finished");
        var done = await _h.ReconcileAsync();

        Assert.Equal(ReconcileOutcome.Success, done.Outcome);
        Assert.Null(_h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));
        Assert.NotNull(_h.Api.Raw(KubeResources.PersistentVolumeClaims, "vault", "data-demo-0"));
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var keys = _h.Api.Raw(KubeResources.Secrets, "vault", $"demo-node-{ordinal}-key")!;
            Assert.Empty(keys["metadata"]!["ownerReferences"]?.AsArray() ?? []);
        }

        Assert.Contains(_h.Events.Recorded, e => e.Reason == "DataRetained"
            && e.Note.Contains("kept PVCs data-demo-0, data-demo-1, data-demo-2 and key Secrets demo-node-0-key, demo-node-1-key, demo-node-2-key", StringComparison.Ordinal));
    }

    private async Task FormAsync(DeletionPolicy policy)
    {
        var demo = TestClusters.Demo();
        _h = new ReconcilerHarness(demo with { Spec = demo.Spec with { DeletionPolicy = policy } });
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1, 2);
        await _h.ReconcileUntilIdleAsync();
    }

    private void Claim(string name) =>
        _h.Api.Seed(new V1PersistentVolumeClaim { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "vault" }, Spec = new V1PersistentVolumeClaimSpec() });

    private void CertificateSecret(string name, string cluster) =>
        _h.Api.Seed(new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "vault", Labels = new Dictionary<string, string> { [LabelsAndAnnotations.Cluster] = cluster } }, Type = "kubernetes.io/tls" });
}
