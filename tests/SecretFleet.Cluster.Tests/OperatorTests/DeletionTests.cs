using k8s.Models;
using SecretFleet.Kube;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>deletionPolicy through the finalizer: Delete destroys volumes and keys, Retain keeps them for adoption.</summary>
[Trait("Category", "Cluster")]
public sealed class DeletionTests : IAsyncLifetime
{
    private OperatorWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await OperatorWorld.StartAsync();
        await _world.StartOperatorAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Delete_policy_removes_children_volumes_and_keys_and_says_so()
    {
        await CreateAsync("gone", "Delete");
        await ClaimAsync("data-other-0");

        await _world.Kubectl.SucceedAsync("delete secretcluster gone --wait=false");

        await OperatorWorld.EventuallyAsync(async () => await _world.ClusterAsync("gone") is null, "the SecretCluster is gone");
        await OperatorWorld.EventuallyAsync(async () =>
            await _world.GetAsync(KubeResources.Pods, "gone-0") is null
            && await _world.GetAsync(KubeResources.Services, "gone-nodes") is null
            && await _world.GetAsync(KubeResources.Certificates, "gone-node-0") is null, "garbage collection removed the children");
        Assert.Null(await _world.GetAsync(KubeResources.PersistentVolumeClaims, "data-gone-0"));
        Assert.Null(await _world.GetAsync(KubeResources.PersistentVolumeClaims, "data-gone-1"));
        Assert.NotNull(await _world.GetAsync(KubeResources.PersistentVolumeClaims, "data-other-0"));
        Assert.Null(await _world.GetAsync(KubeResources.Secrets, "gone-node-0-key"));
        Assert.Null(await _world.GetAsync(KubeResources.Secrets, "gone-node-1-key"));
        Assert.Null(await _world.GetAsync(KubeResources.Secrets, "gone-node-0-tls"));
        Assert.Null(await _world.GetAsync(KubeResources.Secrets, "gone-ca"));
        var deleted = Assert.Single(await _world.EventsAsync("gone"), e => e.Reason == "DataDeleted");
        Assert.Contains("data-gone-0, data-gone-1", deleted.Note);
    }

    [Fact]
    public async Task Retain_policy_keeps_volumes_and_keys_and_a_recreated_cluster_adopts_them()
    {
        var first = await CreateAsync("kept", "Retain");
        var keys = await KeysAsync("kept");

        await _world.Kubectl.SucceedAsync("delete secretcluster kept --wait=false");

        await OperatorWorld.EventuallyAsync(async () => await _world.ClusterAsync("kept") is null, "the SecretCluster is gone");
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "kept-0") is null, "the pods are collected");
        Assert.NotNull(await _world.GetAsync(KubeResources.PersistentVolumeClaims, "data-kept-0"));
        for (var ordinal = 0; ordinal < 2; ordinal++)
        {
            var orphaned = await _world.Api.GetAsync<V1Secret>("default", $"kept-node-{ordinal}-key", CancellationToken.None);
            Assert.NotNull(orphaned);
            Assert.Empty(orphaned.Metadata.OwnerReferences ?? []);
        }

        Assert.Contains(await _world.EventsAsync("kept"), e => e.Reason == "DataRetained" && e.Note!.Contains("data-kept-0", StringComparison.Ordinal));

        var second = await CreateAsync("kept", "Retain");

        Assert.NotEqual(first, second);
        await OperatorWorld.EventuallyAsync(async () =>
            (await _world.Api.GetAsync<V1Secret>("default", "kept-node-1-key", CancellationToken.None))?.Metadata.OwnerReferences?.SingleOrDefault()?.Uid == second,
            "the new SecretCluster owns the kept keys");
        Assert.Equal(keys, await KeysAsync("kept"));
    }

    private async Task<List<string>> KeysAsync(string name)
    {
        var keys = new List<string>();
        for (var ordinal = 0; ordinal < 2; ordinal++)
        {
            var secret = await _world.Api.GetAsync<V1Secret>("default", $"{name}-node-{ordinal}-key", CancellationToken.None);
            keys.Add(Convert.ToHexString(secret!.Data!["node.key"]));
        }

        return keys;
    }

    private async Task<string> CreateAsync(string name, string policy)
    {
        await _world.Kubectl.SucceedAsync("apply -f -", $$"""
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: {{name}}}
            spec: {replicas: 2, threshold: 2, deletionPolicy: {{policy}}}
            """);
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, $"{name}-1") is not null, $"the pods of {name} exist");
        return (await _world.ClusterAsync(name))!.Metadata.Uid!;
    }

    /// <summary>A PVC of the same naming that belongs to no cluster here.</summary>
    private Task ClaimAsync(string name) =>
        _world.Kubectl.SucceedAsync("apply -f -", $$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: {{name}}}
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests: {storage: 1Gi}
            """);
}
