using System.Net;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

[Trait("Category", "Cluster")]
public sealed class NodePodTests
{
    [Fact]
    public async Task Node_StatefulSet_pods_become_Ready_on_distinct_addresses_and_answer_over_mtls()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 3, threshold: 2);

        var pods = await world.WaitForReadyPodsAsync("fleet", 3);

        var ips = pods.Select(KubeletWorld.PodIp).ToList();
        Assert.Equal(3, ips.Distinct().Count());
        Assert.All(ips, ip => Assert.True(IPAddress.TryParse(ip, out var a) && a.GetAddressBytes()[0] == 127 && a.GetAddressBytes()[1] != 0, ip));
        Assert.All(pods, p => Assert.Equal("Running", Json.String(p["status"]?["phase"])));
        await world.EventuallyAsync(() => Json.TryInteger(world.Get(BuiltInResources.StatefulSets, "fleet")?["status"]?["readyReplicas"], out var r) && r == 3,
            "the StatefulSet counts 3 ready replicas");
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("Bound", Json.String(world.Get(BuiltInResources.PersistentVolumeClaims, $"data-fleet-{i}")?["status"]?["phase"])));
        var listed = await world.Kubectl.SucceedAsync("get pods -o wide");
        Assert.Matches(@"fleet-0\s+1/1\s+Running\s+0", listed);
        Assert.Contains($"secretfleet-node ready x=3 grpc=https://{ips[2]}:7443", await world.Kubectl.SucceedAsync("logs fleet-2 --tail 20"));

        using var client = world.Client("fleet", 3, 2);
        var status = await client.StatusAsync(CancellationToken.None);
        Assert.All(status, node => Assert.True(node.Healthy, $"node x={node.X} at {node.Endpoint}: {node.Error}"));
        Assert.Equal(ips.Select(ip => $"https://{ip}:7443/"), status.OrderBy(s => s.X).Select(s => s.Endpoint.ToString()));
    }

    [Fact]
    public async Task Killed_node_process_is_restarted_in_place_and_keeps_its_volume()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 3, threshold: 2);
        var before = (await world.WaitForReadyPodsAsync("fleet", 3))[1];
        await world.FormAsync("fleet", 3, 2);
        using (var client = world.Client("fleet", 3, 2))
        {
            await client.StoreAsync("kept", "the volume outlives the process"u8.ToArray(), null, CancellationToken.None);
        }

        var worker = world.Kubelet.Find(KubeletWorld.Namespace, "fleet-1")!;
        var pid = worker.Containers[0].ProcessId!.Value;
        System.Diagnostics.Process.GetProcessById(pid).Kill();

        await world.EventuallyAsync(() => KubeletWorld.RestartCount(world.Pod("fleet-1")) == 1 && KubeletWorld.IsReady(world.Pod("fleet-1")),
            "fleet-1 was restarted once and is Ready again");
        var after = world.Pod("fleet-1");
        Assert.Equal(KubeletWorld.PodIp(before), KubeletWorld.PodIp(after));
        Assert.Equal(ObjectMeta.Uid(before), ObjectMeta.Uid(after));
        Assert.Equal(137L, Json.TryInteger(after["status"]?["containerStatuses"]?[0]?["lastState"]?["terminated"]?["exitCode"], out var code) ? code : 0);
        Assert.NotEqual(pid, world.Kubelet.Find(KubeletWorld.Namespace, "fleet-1")!.Containers[0].ProcessId);

        using (var client = world.Client("fleet", 3, 2))
        {
            var status = (await client.StatusAsync(CancellationToken.None)).Single(s => s.X == 2);
            Assert.True(status.Member && status.Secrets == 1, $"node x=2 after its restart: member={status.Member}, secrets={status.Secrets}");
            var recovered = await client.RecoverAsync("kept", CancellationToken.None);
            Assert.Equal("the volume outlives the process"u8.ToArray(), recovered.Secret);
        }

        var previous = await world.Kubectl.SucceedAsync("logs fleet-1 --previous");
        Assert.Contains($"secretfleet-node ready x=2 grpc=https://{KubeletWorld.PodIp(after)}:7443", previous);
    }
}
