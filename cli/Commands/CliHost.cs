using SecretFleet.Cli.Output;
using SecretFleet.Cli.Targets;

namespace SecretFleet.Cli.Commands;

/// <summary>What commands need from the world: the console, the clock and how to open a fleet. Tests swap each.</summary>
internal sealed record CliHost(CliConsole Console, TimeProvider Time, IFleetTargetFactory Targets)
{
    public static CliHost FromProcess()
    {
        var console = CliConsole.FromProcess();
        return new CliHost(console, TimeProvider.System, new FleetTargetFactory(console, TimeProvider.System));
    }
}
