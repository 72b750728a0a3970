using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

[Trait("Category", "Cluster")]
public sealed class NodeProcessTests
{
    [Fact]
    public async Task Disposing_the_emulator_leaves_no_node_process_and_no_directory()
    {
        var world = await KubeletWorld.StartAsync();
        string root;
        List<int> pids;
        try
        {
            await world.ApplyFleetAsync("fleet", replicas: 2, threshold: 2);
            await world.WaitForReadyPodsAsync("fleet", 2);
            root = world.Kubelet.RootDirectory;
            pids = [.. Enumerable.Range(0, 2).Select(i => world.Kubelet.Find(KubeletWorld.Namespace, $"fleet-{i}")!.Containers[0].ProcessId!.Value)];
            Assert.All(pids, pid => Assert.Contains(root, CommandLine(pid)));
        }
        finally
        {
            await world.DisposeAsync();
        }

        // Whatever process still names this kubelet's directory on its command line would be an orphan of ours.
        var orphans = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d))
            .Where(n => int.TryParse(n, out _)).Select(int.Parse).Where(pid => CommandLine(pid).Contains(root, StringComparison.Ordinal)).ToList();
        Assert.Empty(orphans);
        Assert.False(Directory.Exists(root), $"{root} is still there");
    }

    [Fact]
    public async Task Pod_of_an_image_the_node_cannot_run_waits_with_ErrImagePull_naming_the_image()
    {
        await using var world = await KubeletWorld.StartAsync();

        await world.Kubectl.SucceedAsync("run web --image=nginx:1.27 --port=80");

        await world.EventuallyAsync(() => world.Get(BuiltInResources.Pods, "web")?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "ErrImagePull",
            "pod web waits with ErrImagePull");
        var waiting = world.Pod("web")["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!;
        Assert.Contains("nginx:1.27", Json.String(waiting["message"]));
        Assert.Equal("Pending", Json.String(world.Pod("web")["status"]!["phase"]));
        Assert.Contains("ErrImagePull", await world.Kubectl.SucceedAsync("get pod web"));
        var logs = await world.Kubectl.RunAsync("logs web");
        Assert.NotEqual(0, logs.ExitCode);
        Assert.Contains("waiting to start: ErrImagePull", logs.Output);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Pod_waits_for_its_secret_and_starts_once_it_exists()
    {
        await using var world = await KubeletWorld.StartAsync();
        var manifest = NodeFleetManifests.Yaml("fleet", KubeletWorld.Namespace, 1, 1);
        var withoutKeys = string.Join("---\n", manifest.Split("---\n").Where(d => !d.Contains("name: fleet-node-keys,", StringComparison.Ordinal)));
        var keys = manifest.Split("---\n").Single(d => d.Contains("name: fleet-node-keys,", StringComparison.Ordinal));
        await world.Kubectl.SucceedAsync($"apply -f {Write(world, "fleet.yaml", withoutKeys)}");

        await world.EventuallyAsync(() => Message(world.Get(BuiltInResources.Pods, "fleet-0"))?.Contains("secret \"fleet-node-keys\" not found", StringComparison.Ordinal) == true,
            "fleet-0 says it waits for secret fleet-node-keys");
        Assert.Equal("ContainerCreating", Json.String(world.Pod("fleet-0")["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]));

        await world.Kubectl.SucceedAsync($"apply -f {Write(world, "keys.yaml", keys)}");
        await world.WaitForReadyPodsAsync("fleet", 1);
        var keyFile = Directory.EnumerateFiles(Path.Combine(world.Kubelet.RootDirectory, "pods"), "node-0.key", SearchOption.AllDirectories).Single();
        Assert.Equal(32, File.ReadAllBytes(keyFile).Length);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(keyFile));
    }

    private static string? Message(JsonObject? pod) => Json.String(pod?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["message"]);

    private static string Write(KubeletWorld world, string name, string content)
    {
        var path = Path.Combine(world.Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
