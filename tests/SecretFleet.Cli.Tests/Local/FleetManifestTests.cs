using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class FleetManifestTests
{
    private static FleetManifest Sample(string directory) => new()
    {
        FleetId = "local-0a1b2c3d",
        TrustDomain = "secretfleet.local",
        Threshold = 2,
        RefreshInterval = "10m",
        Directory = directory,
        Formed = true,
        Nodes =
        [
            new LocalNode { Ordinal = 0, NodeDirectory = Path.Combine(directory, "nodes", "node-0"), GrpcPort = 4100, HttpPort = 4101, Process = new ProcessRecord(77, 12345) },
            new LocalNode { Ordinal = 1, NodeDirectory = Path.Combine(directory, "nodes", "node-1"), GrpcPort = 4200, HttpPort = 4201 },
        ],
        Coordinator = new LocalCoordinator(new ProcessRecord(78, 12346)),
    };

    [Fact]
    public void It_round_trips_through_fleet_json()
    {
        using var dir = new TempDirectory();
        var manifest = Sample(dir.Path);

        manifest.Save();
        var loaded = FleetManifest.Load(dir.Path);

        Assert.Equal(manifest.FleetId, loaded.FleetId);
        Assert.Equal(manifest.Nodes, loaded.Nodes);
        Assert.Equal(manifest.Coordinator, loaded.Coordinator);
        Assert.Contains("\"grpcPort\": 4100", File.ReadAllText(FleetManifest.PathIn(dir.Path)));
    }

    [Fact]
    public void The_view_dials_loopback_ports_and_verifies_localhost()
    {
        var view = Sample("/f").View;

        Assert.Equal("local-0a1b2c3d", view.FleetId);
        Assert.Equal(2, view.Threshold);
        Assert.Equal([1, 2], view.Members.Select(m => (int)m.X));
        Assert.Equal(new Uri("https://127.0.0.1:4200"), view.Members[1].Endpoint);
        Assert.All(view.Members, m => Assert.Equal("localhost", m.TlsName));
        Assert.Equal(new Uri("http://127.0.0.1:4101/metrics"), Sample("/f").Nodes[0].MetricsUrl);
    }

    [Fact]
    public void A_missing_fleet_is_not_found_and_a_corrupt_one_says_what_to_do()
    {
        using var dir = new TempDirectory();
        Assert.Equal(ExitCodes.NotFound, Assert.Throws<CliException>(() => FleetManifest.Load(dir.Path)).ExitCode);

        File.WriteAllText(FleetManifest.PathIn(dir.Path), "{ not json");
        var corrupt = Assert.Throws<CliException>(() => FleetManifest.Load(dir.Path));
        Assert.Equal(ExitCodes.Other, corrupt.ExitCode);
        Assert.Contains("fleet.json", corrupt.Message);
    }
}
