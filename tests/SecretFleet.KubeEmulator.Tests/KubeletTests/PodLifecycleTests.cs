namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

[Trait("Category", "Cluster")]
public sealed class PodLifecycleTests
{
    [Fact]
    public async Task Deleted_pod_comes_back_with_the_current_template_and_its_claim()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 3, threshold: 2);
        var pods = await world.WaitForReadyPodsAsync("fleet", 3);
        await world.FormAsync("fleet", 3, 2);
        var oldRevision = ObjectMeta.Labels(pods[2])[StatefulSetPods.RevisionLabel];
        await world.Kubectl.SucceedAsync("""patch statefulset fleet --type merge -p '{"spec":{"template":{"metadata":{"annotations":{"rolled":"yes"}}}}}'""");
        var oldPid = world.Kubelet.Find(KubeletWorld.Namespace, "fleet-2")!.Containers[0].ProcessId!.Value;

        // kubectl waits until the pod object is gone, which the kubelet allows only after the process stopped.
        await world.Kubectl.SucceedAsync("delete pod fleet-2");
        Assert.False(IsRunning(oldPid), "the deleted pod's process still runs after its object is gone");

        await world.EventuallyAsync(() => KubeletWorld.IsReady(world.Get(BuiltInResources.Pods, "fleet-2")), "fleet-2 is back and Ready");
        var recreated = world.Pod("fleet-2");
        Assert.NotEqual(ObjectMeta.Uid(pods[2]), ObjectMeta.Uid(recreated));
        Assert.Equal("yes", ObjectMeta.Annotations(recreated).GetValueOrDefault("rolled"));
        Assert.NotEqual(oldRevision, ObjectMeta.Labels(recreated)[StatefulSetPods.RevisionLabel]);
        Assert.Equal(oldRevision, ObjectMeta.Labels(world.Pod("fleet-0"))[StatefulSetPods.RevisionLabel]);
        Assert.Equal(ObjectMeta.Uid(pods[0]), ObjectMeta.Uid(world.Pod("fleet-0")));

        using var client = world.Client("fleet", 3, 2);
        var node = (await client.StatusAsync(CancellationToken.None)).Single(s => s.X == 3);
        Assert.True(node.Healthy && node.Member, $"the recreated node x=3 did not keep its membership (its claim): {node.Error}");
    }

    [Fact]
    public async Task Scaling_3_to_5_to_3_stops_the_extra_pods_and_keeps_their_claims()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 3, threshold: 2);
        await world.WaitForReadyPodsAsync("fleet", 3);

        await world.Kubectl.SucceedAsync("scale statefulset fleet --replicas 5");
        var five = await world.WaitForReadyPodsAsync("fleet", 5);
        Assert.Equal(5, five.Select(KubeletWorld.PodIp).Distinct().Count());
        var pids = new[] { 3, 4 }.Select(i => world.Kubelet.Find(KubeletWorld.Namespace, $"fleet-{i}")!.Containers[0].ProcessId!.Value).ToList();

        await world.Kubectl.SucceedAsync("scale statefulset fleet --replicas 3");
        await world.EventuallyAsync(() => world.Get(BuiltInResources.Pods, "fleet-3") is null && world.Get(BuiltInResources.Pods, "fleet-4") is null,
            "fleet-3 and fleet-4 are gone");
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"process {pid} of a removed pod still runs"));
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal("Bound", Json.String(world.Get(BuiltInResources.PersistentVolumeClaims, $"data-fleet-{i}")?["status"]?["phase"])));
        await world.EventuallyAsync(() => Json.TryInteger(world.Get(BuiltInResources.StatefulSets, "fleet")?["status"]?["replicas"], out var r) && r == 3,
            "the StatefulSet status says 3 replicas");
        Assert.All(await world.WaitForReadyPodsAsync("fleet", 3), p => Assert.Equal(0, KubeletWorld.RestartCount(p)));
    }

    [Fact]
    public async Task Deleting_a_claim_loses_its_data_once_its_pod_is_gone()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 3, threshold: 2);
        await world.WaitForReadyPodsAsync("fleet", 3);
        await world.FormAsync("fleet", 3, 2);
        var claim = world.Get(BuiltInResources.PersistentVolumeClaims, "data-fleet-1")!;
        var directory = Path.Combine(world.Kubelet.RootDirectory, "volumes", ObjectMeta.Uid(claim));
        Assert.True(Directory.Exists(directory), directory);

        await world.Kubectl.SucceedAsync("delete pvc data-fleet-1 --wait=false");
        Assert.True(ObjectMeta.IsDeleting(world.Get(BuiltInResources.PersistentVolumeClaims, "data-fleet-1")!), "pvc-protection holds a claim in use");
        Assert.True(KubeletWorld.IsReady(world.Pod("fleet-1")));

        await world.Kubectl.SucceedAsync("delete pod fleet-1");
        await world.EventuallyAsync(() => KubeletWorld.IsReady(world.Get(BuiltInResources.Pods, "fleet-1")), "fleet-1 is back and Ready");
        Assert.NotEqual(ObjectMeta.Uid(claim), ObjectMeta.Uid(world.Get(BuiltInResources.PersistentVolumeClaims, "data-fleet-1")!));
        Assert.False(Directory.Exists(directory), "the deleted claim's directory is still there");

        await world.WaitForReadyPodsAsync("fleet", 3);
        using var client = world.Client("fleet", 3, 2);
        var node = (await client.StatusAsync(CancellationToken.None)).Single(s => s.X == 2);
        Assert.True(node.Healthy, node.Error);
        Assert.False(node.Member, "node x=2 still holds its membership though its volume was deleted");
    }

    [Fact]
    public async Task Failing_liveness_probe_restarts_the_container()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 1, threshold: 1, livenessPath: "/no-such-path", livenessPeriodSeconds: 1);

        await world.EventuallyAsync(() => world.Get(BuiltInResources.Pods, "fleet-0") is { } pod && KubeletWorld.RestartCount(pod) >= 2,
            "fleet-0 was restarted twice for failing its liveness probe", TimeSpan.FromSeconds(90));
        var status = world.Pod("fleet-0")["status"]!["containerStatuses"]![0]!;
        Assert.NotNull(status["lastState"]?["terminated"]);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName.Contains("secretfleet", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
