using SecretFleet.Cli.Tests.Support;

namespace SecretFleet.Cli.Tests.Integration;

/// <summary>`local scale` on real node processes: resharing to another size and threshold, and what it refuses.</summary>
[Trait("Category", "Integration")]
public sealed class LocalScaleTests
{
    [Fact]
    public async Task Scale_reshares_down_and_up_and_every_secret_comes_back_with_the_new_shape()
    {
        await using var fleet = await LocalFleet.StartAsync(nodes: 5, threshold: 3);
        var cli = fleet.Cli;
        var secrets = Enumerable.Range(0, 4).ToDictionary(i => $"s-{i}", i => new string((char)('a' + i), 5 + (i * 97)));
        foreach (var (name, value) in secrets)
        {
            Assert.Equal(0, (await cli.RunAsync("store", name, "--from-literal", value)).ExitCode);
        }
        var departing = new[] { fleet.NodePid(3), fleet.NodePid(4) };

        var down = await cli.RunAsync("local", "scale", "--nodes", "3", "--threshold", "2", "-o", "json");

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.True(down.Json().GetProperty("changed").GetBoolean());
        Assert.Equal(3, down.Json().GetProperty("nodes").GetInt32());
        Assert.Equal(2, down.Json().GetProperty("threshold").GetInt32());
        var status = (await cli.RunAsync("local", "status", "-o", "json")).Json();
        Assert.Equal(3, status.GetProperty("replicas").GetInt32());
        Assert.Equal(2, status.GetProperty("threshold").GetInt32());
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.All(departing, pid => Assert.False(Processes.IsRunning(pid), $"departed node {pid} still runs"));
        Assert.False(Directory.Exists(Path.Combine(fleet.FleetDirectory, "nodes", "node-3")));
        Assert.False(Directory.Exists(Path.Combine(fleet.FleetDirectory, "nodes", "node-4")));
        foreach (var (name, value) in secrets)
        {
            Assert.Equal(value, (await cli.RunAsync("recover", name)).Stdout);
        }
        // New writes use the new threshold; the nodes agree with it.
        Assert.Equal(0, (await cli.RunAsync("store", "after-down", "--from-literal", "two of three")).ExitCode);

        var up = await cli.RunAsync("local", "scale", "--nodes", "5", "--threshold", "3", "-o", "json");

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal(5, up.Json().GetProperty("nodes").GetInt32());
        Assert.Equal(3, up.Json().GetProperty("threshold").GetInt32());
        foreach (var (name, value) in secrets.Append(new("after-down", "two of three")))
        {
            Assert.Equal(value, (await cli.RunAsync("recover", name)).Stdout);
        }
    }

    [Fact]
    public async Task A_fleet_too_small_to_reshare_is_refused_and_left_as_it_was()
    {
        await using var fleet = await LocalFleet.StartAsync(nodes: 4, threshold: 3);
        var cli = fleet.Cli;
        Assert.Equal(0, (await cli.RunAsync("store", "kept", "--from-literal", "unchanged")).ExitCode);

        var refused = await cli.RunAsync("local", "scale", "--nodes", "3", "--threshold", "2");

        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("Grow it first", refused.Stderr);
        var status = (await cli.RunAsync("local", "status", "-o", "json")).Json();
        Assert.Equal(4, status.GetProperty("replicas").GetInt32());
        Assert.Equal(3, status.GetProperty("threshold").GetInt32());
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Equal("unchanged", (await cli.RunAsync("recover", "kept")).Stdout);
    }
}
