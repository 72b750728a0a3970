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
    public async Task A_threshold_change_the_fleet_cannot_reshare_to_is_refused_with_a_condition_saying_to_grow_first_and_an_event()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", """
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: vault}
            spec: {replicas: 4, threshold: 3}
            """);
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "vault-3") is not null, "the node pods exist");

        // The fleet formed at epoch 0 (what the operator records once its nodes hold shares).
        await _world.Kubectl.SucceedAsync("patch secretcluster vault --subresource=status --type=merge -p '{\"status\":{\"epoch\":0}}'");
        await _world.Kubectl.SucceedAsync("patch secretcluster vault --type=merge -p '{\"spec\":{\"threshold\":2}}'");

        var refused = await _world.WaitForClusterAsync("vault",
            c => Condition.Find(c.Status?.Conditions, Conditions.Progressing)?.Reason == Conditions.Reasons.ResharingRefused, "the threshold change is refused");
        var progressing = Condition.Find(refused.Status!.Conditions, Conditions.Progressing)!;
        Assert.False(progressing.IsTrue);
        Assert.Contains("A 3-of-4 fleet cannot reshare", progressing.Message);
        Assert.Contains("set spec.replicas to 5 with spec.threshold 3", progressing.Message);
        Assert.Equal((4, 3), (refused.Status.Replicas, refused.Status.Threshold));
        var pods = await _world.Api.ListAsync<V1Pod>("default", new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}=vault" }, CancellationToken.None);
        Assert.Equal(4, pods.Items.Count(p => p.Metadata.DeletionTimestamp is null));
        Assert.All(pods.Items, p => Assert.Equal("3", p.Spec.Containers[0].Args[p.Spec.Containers[0].Args.IndexOf("--threshold") + 1]));
        await OperatorWorld.EventuallyAsync(async () => (await _world.EventsAsync("vault")).Any(e => e.Reason == "SpecRefused" && e.Type == "Warning"), "a SpecRefused warning is recorded");

        // Setting it back clears the refusal.
        await _world.Kubectl.SucceedAsync("patch secretcluster vault --type=merge -p '{\"spec\":{\"threshold\":3}}'");
        await _world.WaitForClusterAsync("vault",
            c => Condition.Find(c.Status?.Conditions, Conditions.Progressing)?.Reason != Conditions.Reasons.ResharingRefused, "the refusal clears");
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
