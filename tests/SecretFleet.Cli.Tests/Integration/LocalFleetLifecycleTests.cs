using SecretFleet.Cli.Tests.Support;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Cli.Tests.Integration;

/// <summary>Tests that stop, kill and restart processes: each starts a fleet of its own.</summary>
[Trait("Category", "Integration")]
public sealed class LocalFleetLifecycleTests
{
    [Fact]
    public async Task Three_of_five_nodes_down_exits_3_naming_them_and_local_up_brings_them_back()
    {
        await using var fleet = await LocalFleet.StartAsync(nodes: 5, threshold: 3);
        var cli = fleet.Cli;
        Assert.Equal(0, (await cli.RunAsync("store", "kept", "--from-literal", "survives")).ExitCode);
        var portsBefore = Ports(fleet);

        foreach (var ordinal in new[] { 1, 2, 4 })
        {
            Processes.Kill(fleet.NodePid(ordinal));
        }
        await WaitUntilAsync(() => new[] { 1, 2, 4 }.All(o => !Processes.IsRunning(fleet.NodePid(o))), "killed nodes to exit");

        var recover = await cli.RunAsync("recover", "kept");
        Assert.Equal(3, recover.ExitCode);
        Assert.Contains("node-1, node-2, node-4", recover.Stderr);
        Assert.DoesNotContain("node-0", recover.Stderr);
        Assert.Empty(recover.StdoutBytes);
        var store = await cli.RunAsync("store", "new-one", "--from-literal", "x");
        Assert.Equal(3, store.ExitCode);
        Assert.Contains("node-1, node-2, node-4", store.Stderr);
        var list = await cli.RunAsync("list");
        Assert.Equal(3, list.ExitCode);
        Assert.Contains("node-1, node-2, node-4", list.Stderr);
        Assert.Equal("degraded", (await cli.RunAsync("local", "status", "-o", "json")).Json().GetProperty("state").GetString());

        var up = await cli.RunAsync("local", "up", "-o", "json");

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal("started", up.Json().GetProperty("state").GetString());
        Assert.Equal([false, true, true, false, true], up.Json().GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("started").GetBoolean()));
        Assert.Equal(portsBefore, Ports(fleet));
        Assert.Equal("survives", (await cli.RunAsync("recover", "kept")).Stdout);
        Assert.Equal(2, (await cli.RunAsync("recover", "new-one")).ExitCode);
    }

    [Fact]
    public async Task Local_fleet_refreshes_on_schedule_stops_cleanly_and_restarts_with_its_data()
    {
        await using var fleet = await LocalFleet.StartAsync(nodes: 3, threshold: 2, refreshInterval: "10s");
        var cli = fleet.Cli;
        Assert.Equal(0, (await cli.RunAsync("store", "kept", "--from-literal", "across restarts")).ExitCode);

        // The background coordinator refreshes without anyone asking.
        await WaitUntilAsync(async () => (await cli.RunAsync("status", "-o", "json")).Json().GetProperty("epoch").GetUInt64() >= 1, "a scheduled refresh");
        var again = await cli.RunAsync("local", "up");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already running", again.Stdout);
        foreach (var ordinal in Enumerable.Range(0, 3))
        {
            // Nodes run with the runtime settings every launcher gives them.
            var environment = File.ReadAllText($"/proc/{fleet.NodePid(ordinal)}/environ").Split('\0');
            Assert.All(NodeRuntimeEnvironment.Variables, v => Assert.Contains($"{v.Key}={v.Value}", environment));
        }

        var pids = fleet.Pids();
        Assert.Equal(4, pids.Count);
        var down = await cli.RunAsync("local", "down", "-o", "json");

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Equal(3, down.Json().GetProperty("nodesStopped").GetInt32());
        Assert.All(pids, pid => Assert.False(Processes.IsRunning(pid), $"process {pid} is still running after local down"));
        var stopped = await cli.RunAsync("recover", "kept");
        Assert.Equal(3, stopped.ExitCode);
        Assert.Contains("local up", stopped.Stderr);

        Assert.Equal(0, (await cli.RunAsync("local", "up")).ExitCode);
        Assert.Equal("across restarts", (await cli.RunAsync("recover", "kept")).Stdout);

        var purge = await cli.RunAsync("local", "down", "--purge");
        Assert.Equal(0, purge.ExitCode);
        Assert.False(Directory.Exists(fleet.FleetDirectory));
        var nothing = await cli.RunAsync("recover", "kept");
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("local up", nothing.Stderr);
    }

    private static int[] Ports(LocalFleet fleet) =>
        [.. fleet.Manifest().GetProperty("nodes").EnumerateArray().SelectMany(n => new[] { n.GetProperty("grpcPort").GetInt32(), n.GetProperty("httpPort").GetInt32() })];

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(200);
        }
    }
}
