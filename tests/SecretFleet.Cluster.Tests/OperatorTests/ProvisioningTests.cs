using System.Net;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>The operator against the API-server emulator: from the sample SecretCluster to a certified workload.</summary>
[Trait("Category", "Cluster")]
public sealed class ProvisioningTests : IAsyncLifetime
{
    private OperatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await OperatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Sample_gets_certificates_then_service_pdb_and_per_node_keys_volumes_and_pods_owned_by_it()
    {
        var host = await _world.StartOperatorAsync();
        await _world.Kubectl.SucceedAsync($"apply -f {OperatorWorld.RepositoryPath("crds", "samples", "secretcluster.yaml")}");

        var cluster = await _world.WaitForClusterAsync("demo", c => Condition.Find(c.Status?.Conditions, Conditions.CertificatesReady)?.IsTrue == true, "CertificatesReady is True");

        Assert.Contains(LabelsAndAnnotations.CleanupFinalizer, cluster.Metadata.Finalizers ?? []);
        foreach (var (resource, name) in new[]
        {
            (KubeResources.Services, "demo-nodes"),
            (KubeResources.PodDisruptionBudgets, "demo"),
            (KubeResources.Pods, "demo-0"),
            (KubeResources.Pods, "demo-1"),
            (KubeResources.Pods, "demo-2"),
            (KubeResources.Secrets, "demo-node-0-key"),
            (KubeResources.Secrets, "demo-node-1-key"),
            (KubeResources.Secrets, "demo-node-2-key"),
            (KubeResources.Certificates, "demo-ca"),
            (KubeResources.Issuers, "demo-selfsigned"),
            (KubeResources.Secrets, "demo-node-0-tls"),
            (KubeResources.Secrets, "demo-node-1-tls"),
            (KubeResources.Secrets, "demo-node-2-tls"),
            (KubeResources.Secrets, "demo-operator-tls"),
            (KubeResources.Secrets, "demo-client-tls"),
        })
        {
            var child = await _world.GetAsync(resource, name);
            Assert.True(child is not null, $"{resource} {name} was not created");
            var owner = Assert.Single(child.Metadata.OwnerReferences ?? []);
            Assert.Equal((cluster.Metadata.Uid, true), (owner.Uid, owner.Controller));
            Assert.Equal("demo", child.GetLabel(LabelsAndAnnotations.Cluster));
            Assert.Equal(LabelsAndAnnotations.ManagedByOperator, child.GetLabel(LabelsAndAnnotations.ManagedBy));
        }

        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var key = await _world.Api.GetAsync<V1Secret>("default", $"demo-node-{ordinal}-key", CancellationToken.None);
            Assert.Equal(32, Assert.Single(key!.Data!, d => d.Key == "node.key").Value.Length);
            var claim = await _world.GetAsync(KubeResources.PersistentVolumeClaims, $"data-demo-{ordinal}");
            Assert.True(claim is not null && claim.Metadata.OwnerReferences is null, $"data-demo-{ordinal} is missing or owned: garbage collection must never take it");
        }

        Assert.Null(await _world.GetAsync(KubeResources.StatefulSets, "demo"));

        // The operator signs the identities itself: no cert-manager Issuer signs with the fleet's CA.
        Assert.Null(await _world.GetAsync(KubeResources.Issuers, "demo-ca"));
        foreach (var secret in new[] { "demo-ca", "demo-node-0-tls", "demo-node-1-tls", "demo-node-2-tls", "demo-operator-tls", "demo-client-tls" })
        {
            var tls = await _world.Api.GetAsync<V1Secret>("default", secret, CancellationToken.None);
            Assert.True(tls?.Data?.ContainsKey("tls.crt") == true, $"Secret {secret} holds no certificate");
        }

        // No node runs in the emulator without a kubelet: the fleet waits to form, and says so.
        cluster = await _world.WaitForClusterAsync("demo", c => c.Status?.Phase == SecretClusterPhase.Provisioning, "phase Provisioning");
        Assert.Contains("0/3 nodes are Ready", Condition.Find(cluster.Status!.Conditions, Conditions.Ready)!.Message);
        Assert.Equal(cluster.Metadata.Generation, cluster.Status.ObservedGeneration);
        Assert.Contains(await _world.EventsAsync("demo"), e => e.Reason == "CertificatesIssued");

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(host.HealthAddress!, "/readyz"))).StatusCode);
        var metrics = await http.GetStringAsync(new Uri(host.MetricsAddress!, "/metrics"));
        Assert.Contains("secretfleet_workqueue_reconcile_duration_seconds_count{queue=\"secretcluster\",result=\"success\"}", metrics);
        Assert.Matches(@"(?m)^secretfleet_operator_leader [1-9]", metrics);
    }

    [Fact]
    public async Task Threshold_above_replicas_is_rejected_by_the_API_with_the_CEL_message()
    {
        var result = await _world.Kubectl.RunAsync("apply -f -", """
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: wrong}
            spec: {replicas: 3, threshold: 4}
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("threshold must not exceed replicas", result.Stderr);
        Assert.Null(await _world.ClusterAsync("wrong"));
    }

    [Fact]
    public async Task Every_sample_is_accepted_by_the_API()
    {
        foreach (var sample in Directory.GetFiles(OperatorWorld.RepositoryPath("crds", "samples"), "*.yaml"))
        {
            await _world.Kubectl.SucceedAsync($"apply -f {sample}");
        }

        Assert.NotNull(await _world.ClusterAsync("demo"));
        var vault = await _world.ClusterAsync("vault");
        Assert.Equal(("0 3 * * *", "corp-ca", DeletionPolicy.Delete), (vault!.Spec.Refresh.Schedule, vault.Spec.IssuerRef!.Name, vault.Spec.DeletionPolicy));
    }

    [Fact]
    public async Task With_an_issuerRef_leaf_certificates_use_it_and_no_own_CA_is_made()
    {
        await _world.StartOperatorAsync();
        await _world.Kubectl.SucceedAsync("apply -f -", """
            apiVersion: cert-manager.io/v1
            kind: ClusterIssuer
            metadata: {name: corp-ca}
            spec: {selfSigned: {}}
            ---
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: byo}
            spec: {issuerRef: {name: corp-ca, kind: ClusterIssuer}}
            """);

        await _world.WaitForClusterAsync("byo", c => Condition.Find(c.Status?.Conditions, Conditions.CertificatesReady)?.IsTrue == true, "CertificatesReady is True");

        Assert.Null(await _world.GetAsync(KubeResources.Certificates, "byo-ca"));
        Assert.Null(await _world.GetAsync(KubeResources.Issuers, "byo-selfsigned"));
        var node = await _world.Api.GetAsync<Certificate>("default", "byo-node-0", CancellationToken.None);
        Assert.Equal("corp-ca", node!.Spec!.IssuerRef!.Name);
        Assert.NotNull(await _world.GetAsync(KubeResources.Pods, "byo-0"));
    }

    [Fact]
    public async Task Status_is_written_only_when_it_changes()
    {
        await _world.StartOperatorAsync(_world.Options() with { ResyncPeriod = TimeSpan.FromMilliseconds(100) });
        await _world.Kubectl.SucceedAsync($"apply -f {OperatorWorld.RepositoryPath("crds", "samples", "secretcluster.yaml")}");
        var settled = await _world.WaitForClusterAsync("demo", c => c.Status?.Phase == SecretClusterPhase.Provisioning, "phase Provisioning");

        // Resyncs every 100 ms reconcile again and again; none of them may write an unchanged status.
        var reconciledBefore = _world.Operator!.Reconciles;
        await OperatorWorld.EventuallyAsync(() => Task.FromResult(_world.Operator.Reconciles >= reconciledBefore + 5), "five more reconciles ran");

        var after = await _world.ClusterAsync("demo");
        Assert.Equal(settled.Metadata.ResourceVersion, after!.Metadata.ResourceVersion);
    }
}
