using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Output;
using SecretFleet.Cli.Targets;

namespace SecretFleet.Cli.Tests.Targets;

[Trait("Category", "Unit")]
public sealed class FleetTargetFactoryTests
{
    private static FleetTargetFactory Factory(string home) =>
        new(new CliConsole(new MemoryStream(), new MemoryStream(), TextWriter.Null, false, false, false, name => name == "SECRETFLEET_HOME" ? home : null), TimeProvider.System);

    [Fact]
    public async Task A_missing_kubeconfig_named_on_the_command_line_says_which_file()
    {
        using var home = new TempDirectory();

        var error = await Assert.ThrowsAsync<CliException>(() => Factory(home.Path).OpenAsync(new GlobalSettings { Cluster = "demo", Kubeconfig = home.Combine("nope.yaml") }, CancellationToken.None));

        Assert.Equal(ExitCodes.Other, error.ExitCode);
        Assert.Contains("nope.yaml", error.Message);
    }
}
