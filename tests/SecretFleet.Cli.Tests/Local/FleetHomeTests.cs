using SecretFleet.Cli.Local;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class FleetHomeTests
{
    private static CliConsole Console(Func<string, string?> environment) =>
        new(new MemoryStream(), new MemoryStream(), TextWriter.Null, false, false, false, environment);

    [Fact]
    public void Secretfleet_home_overrides_the_home_directory()
    {
        Assert.Equal("/tmp/elsewhere", FleetHome.Resolve(Console(n => n == "SECRETFLEET_HOME" ? "/tmp/elsewhere" : null)).Path);
        Assert.Equal("/home/u/.secretfleet", FleetHome.Resolve(Console(n => n == "HOME" ? "/home/u" : null)).Path);
        Assert.Equal("/home/u/.secretfleet/local", FleetHome.Resolve(Console(n => n == "HOME" ? "/home/u" : null)).DefaultFleetDirectory);
    }

    [Fact]
    public void The_current_fleet_is_remembered_and_forgotten_with_its_directory()
    {
        using var dir = new TempDirectory();
        var home = new FleetHome(dir.Combine("home"));
        var fleet = dir.Combine("fleet");
        Directory.CreateDirectory(fleet);
        Assert.Null(home.CurrentFleetDirectory());

        home.MakeCurrent(fleet);
        Assert.Null(home.CurrentFleetDirectory()); // no fleet.json there yet
        File.WriteAllText(FleetManifest.PathIn(fleet), "{}");
        Assert.Equal(fleet, home.CurrentFleetDirectory());

        home.ForgetIfCurrent(dir.Combine("other"));
        Assert.Equal(fleet, home.CurrentFleetDirectory());
        home.ForgetIfCurrent(fleet);
        Assert.Null(home.CurrentFleetDirectory());
    }
}
