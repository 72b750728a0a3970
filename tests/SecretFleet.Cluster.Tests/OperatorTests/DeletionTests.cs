using SecretFleet.Kube;
using SecretFleet.Kube.Models;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>deletionPolicy through the finalizer: Delete destroys volumes and keys, Retain keeps them for adoption.</summary>
[Trait("Category", "Cluster")]
public sealed class DeletionTests : IAsyncLifetime
{
    private OperatorWorld world = null!;

    public async Task InitializeAsync()
    {
        world = await OperatorWorld.StartAsync();
        await world.StartOperatorAsync();
    }

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Delete_policy_removes_children_volumes_and_keys_and_says_so()
    {
        await CreateAsync("gone", "Delete");
        await ClaimAsync("data-gone-0");
        await ClaimAsync("data-gone-1");
        await ClaimAsync("data-other-0");

        await world.Kubectl.SucceedAsync("delete secretcluster gone --wait=false");

        await OperatorWorld.EventuallyAsync(async () => await world.ClusterAsync("gone") is null, "the SecretCluster is gone");
        await OperatorWorld.EventuallyAsync(async () =>
            await world.GetAsync(KubeResources.StatefulSets, "gone") is null
            && await world.GetAsync(KubeResources.Services, "gone-nodes") is null
            && await world.GetAsync(KubeResources.Certificates, "gone-node") is null, "garbage collection removed the children");
        Assert.Null(await world.GetAsync(KubeResources.PersistentVolumeClaims, "data-gone-0"));
        Assert.Null(await world.GetAsync(KubeResources.PersistentVolumeClaims, "data-gone-1"));
        Assert.NotNull(await world.GetAsync(KubeResources.PersistentVolumeClaims, "data-other-0"));
        Assert.Null(await world.GetAsync(KubeResources.Secrets, "gone-node-keys"));
        Assert.Null(await world.GetAsync(KubeResources.Secrets, "gone-ca"));
        var deleted = Assert.Single(await world.EventsAsync("gone"), e => e.Reason == "DataDeleted");
        Assert.Contains("data-gone-0, data-gone-1", deleted.Note);
    }

    [Fact]
    public async Task Retain_policy_keeps_volumes_and_keys_and_a_recreated_cluster_adopts_them()
    {
        var first = await CreateAsync("kept", "Retain");
        await ClaimAsync("data-kept-0");
        var keys = await world.Api.GetAsync<Secret>("default", "kept-node-keys", CancellationToken.None);

        await world.Kubectl.SucceedAsync("delete secretcluster kept --wait=false");

        await OperatorWorld.EventuallyAsync(async () => await world.ClusterAsync("kept") is null, "the SecretCluster is gone");
        await OperatorWorld.EventuallyAsync(async () => await world.GetAsync(KubeResources.StatefulSets, "kept") is null, "the StatefulSet is collected");
        Assert.NotNull(await world.GetAsync(KubeResources.PersistentVolumeClaims, "data-kept-0"));
        var orphaned = await world.Api.GetAsync<Secret>("default", "kept-node-keys", CancellationToken.None);
        Assert.NotNull(orphaned);
        Assert.Empty(orphaned.Metadata.OwnerReferences ?? []);
        Assert.Contains(await world.EventsAsync("kept"), e => e.Reason == "DataRetained" && e.Note!.Contains("data-kept-0", StringComparison.Ordinal));

        var second = await CreateAsync("kept", "Retain");

        Assert.NotEqual(first, second);
        await OperatorWorld.EventuallyAsync(async () =>
            (await world.Api.GetAsync<Secret>("default", "kept-node-keys", CancellationToken.None))?.Metadata.OwnerReferences?.SingleOrDefault()?.Uid == second,
            "the new SecretCluster owns the kept keys");
        var adopted = await world.Api.GetAsync<Secret>("default", "kept-node-keys", CancellationToken.None);
        foreach (var (file, key) in keys!.Data!)
        {
            Assert.Equal(key, adopted!.Data![file]);
        }
    }

    private async Task<string> CreateAsync(string name, string policy)
    {
        await world.Kubectl.SucceedAsync("apply -f -", $$"""
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: {{name}}}
            spec: {replicas: 2, threshold: 2, deletionPolicy: {{policy}}}
            """);
        await OperatorWorld.EventuallyAsync(async () => await world.GetAsync(KubeResources.StatefulSets, name) is not null, $"StatefulSet {name} exists");
        return (await world.ClusterAsync(name))!.Metadata.Uid!;
    }

    /// <summary>A PVC like the StatefulSet controller makes from the volume claim template (no kubelet here).</summary>
    private Task ClaimAsync(string name) =>
        world.Kubectl.SucceedAsync("apply -f -", $$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: {{name}}}
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests: {storage: 1Gi}
            """);
}
