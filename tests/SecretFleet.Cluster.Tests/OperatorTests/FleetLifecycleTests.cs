using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>
/// The operator's fleet path end to end: certificates from the emulated cert-manager (one per node), real node
/// processes standing in for the operator's pods with exactly the Secrets each pod mounts, the coordinator over mTLS
/// with the operator certificate read from its Secret, and the operation log in status.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class FleetLifecycleTests : IAsyncLifetime
{
    private OperatorWorld _world = null!;
    private ProcessPods _pods = null!;

    public async Task InitializeAsync()
    {
        _world = await OperatorWorld.StartAsync();
        _pods = new ProcessPods(_world, "demo", _world.World.Directory);
        await _world.StartOperatorAsync();
    }

    public async Task DisposeAsync()
    {
        await _world.StopOperatorAsync();
        await _pods.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Fleet_forms_refreshes_on_request_and_rebuilds_a_new_nodes_shares()
    {
        await _world.Kubectl.SucceedAsync($"apply -f {OperatorWorld.RepositoryPath("crds", "samples", "secretcluster.yaml")}");
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "demo-2") is not null, "the operator made the node pods");
        await _pods.SyncAsync();

        var formed = await _world.WaitForClusterAsync("demo", c => c.Status is { Epoch: 0, Phase: SecretClusterPhase.Ready, ReadyReplicas: 3 }, "the fleet forms and is Ready", TimeSpan.FromSeconds(60));
        Assert.True((bool)(await _pods.ReadyzAsync(2))["member"]!);
        Assert.NotNull(formed.Status!.NextRefreshTime);
        var secret = "correct horse battery staple"u8.ToArray();
        using (var client = await _pods.ClientAsync(3, 2))
        {
            await client.StoreAsync("db-password", secret, null, CancellationToken.None);
        }

        var requested = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await _world.Kubectl.SucceedAsync($"annotate secretcluster demo {LabelsAndAnnotations.RefreshRequestedAt}={requested} --overwrite");

        var refreshed = await _world.WaitForClusterAsync("demo", c => c.Status is { Epoch: 1, Refresh: null, LastRefreshTime: not null }, "epoch 1 is committed", TimeSpan.FromSeconds(60));
        Assert.Equal(1, (long)(await _pods.ReadyzAsync(0))["epoch"]!);
        Assert.Equal(1, (long)(await _pods.ReadyzAsync(2))["epoch"]!);
        var events = await _world.EventsAsync("demo");
        Assert.Contains(events, e => e.Reason == "FleetFormed");
        Assert.Contains(events, e => e.Reason == "EpochStarted" && e.Note!.Contains("requested at", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Reason == "EpochCompleted");
        await _world.WaitForClusterAsync("demo", c => Condition.Find(c.Status?.Conditions, Conditions.Refreshing)?.Reason == Conditions.Reasons.RefreshCompleted, "Refreshing says the refresh completed");
        Assert.True(refreshed.Status!.LastRefreshTime > formed.Metadata.CreationTimestamp);
        using (var client = await _pods.ClientAsync(3, 2))
        {
            var recovered = await client.RecoverAsync("db-password", CancellationToken.None);
            Assert.Equal(secret, recovered.Secret);
            Assert.Equal(1UL, recovered.Epoch);
        }

        await _world.Kubectl.SucceedAsync("patch secretcluster demo --type=merge -p '{\"spec\":{\"replicas\":4}}'");
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "demo-3") is not null, "the operator made pod demo-3");
        await _pods.SyncAsync();

        var grown = await _world.WaitForClusterAsync("demo", c => c.Status is { ReadyReplicas: 4, Phase: SecretClusterPhase.Ready }, "the new node's shares are rebuilt", TimeSpan.FromSeconds(60));
        Assert.Equal([3], grown.Status!.RecoveredOrdinals);
        Assert.True((bool)(await _pods.ReadyzAsync(3))["member"]!);
        Assert.Equal(1, (long)(await _pods.ReadyzAsync(3))["epoch"]!);
        Assert.Contains(await _world.EventsAsync("demo"), e => e.Reason == "SharesRecovered");

        // The rebuilt node's share works with any other: stop two of the old nodes and recover with the new one.
        _pods.Stop(0);
        _pods.Stop(1);
        using (var client = await _pods.ClientAsync(4, 2))
        {
            var recovered = await client.RecoverAsync("db-password", CancellationToken.None);
            Assert.Equal(secret, recovered.Secret);
            Assert.Contains((byte)4, recovered.UsedXs);
        }
    }
}
