using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>Specs the API accepts but the operator refuses, and how the user hears about it.</summary>
[Trait("Category", "Cluster")]
public sealed class SpecPolicyTests : IAsyncLifetime
{
    private OperatorWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await OperatorWorld.StartAsync();
        await _world.StartOperatorAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Scaling_a_formed_fleet_below_its_threshold_is_refused_with_a_condition_and_an_event()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", """
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: vault}
            spec: {replicas: 5, threshold: 3}
            """);
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "vault-4") is not null, "the node pods exist");

        // The fleet formed at epoch 0 (what the operator records once its nodes hold shares).
        await _world.Kubectl.SucceedAsync("patch secretcluster vault --subresource=status --type=merge -p '{\"status\":{\"epoch\":0}}'");
        await _world.Kubectl.SucceedAsync("patch secretcluster vault --type=merge -p '{\"spec\":{\"replicas\":2,\"threshold\":2}}'");

        var refused = await _world.WaitForClusterAsync("vault",
            c => Condition.Find(c.Status?.Conditions, Conditions.Progressing)?.Reason == Conditions.Reasons.ScaleBelowThresholdRefused, "the scale-down is refused");
        var progressing = Condition.Find(refused.Status!.Conditions, Conditions.Progressing)!;
        Assert.False(progressing.IsTrue);
        Assert.Contains("spec.replicas 2 is below the threshold 3", progressing.Message);
        var service = await _world.GetAsync(KubeResources.Services, "vault-nodes");
        Assert.Equal(("5", "3"), (service!.GetAnnotation(LabelsAndAnnotations.FleetReplicas), service.GetAnnotation(LabelsAndAnnotations.FleetThreshold)));
        var pods = await _world.Api.ListAsync<V1Pod>("default", new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}=vault" }, CancellationToken.None);
        Assert.Equal(5, pods.Items.Count(p => p.Metadata.DeletionTimestamp is null));
        Assert.All(pods.Items, p => Assert.Equal("3", p.Spec.Containers[0].Args[p.Spec.Containers[0].Args.IndexOf("--threshold") + 1]));
        await OperatorWorld.EventuallyAsync(async () => (await _world.EventsAsync("vault")).Any(e => e.Reason == "ScaleRefused" && e.Type == "Warning"), "a ScaleRefused warning is recorded");

        // Setting it back clears the refusal.
        await _world.Kubectl.SucceedAsync("patch secretcluster vault --type=merge -p '{\"spec\":{\"replicas\":5,\"threshold\":3}}'");
        await _world.WaitForClusterAsync("vault",
            c => Condition.Find(c.Status?.Conditions, Conditions.Progressing)?.Reason != Conditions.Reasons.ScaleBelowThresholdRefused, "the refusal clears");
    }

    [Fact]
    public async Task A_cron_schedule_that_never_fires_fails_the_cluster_with_the_reason()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", """
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: never}
            spec: {refresh: {schedule: "0 0 30 2 *"}}
            """);

        var failed = await _world.WaitForClusterAsync("never", c => c.Status?.Phase == SecretClusterPhase.Failed, "phase Failed");

        var progressing = Condition.Find(failed.Status!.Conditions, Conditions.Progressing)!;
        Assert.Equal(Conditions.Reasons.InvalidSpec, progressing.Reason);
        Assert.Contains("never fires", progressing.Message);
    }
}
