using System.CommandLine;
using SecretFleet.Cli.Output;
using SecretFleet.Cli.Targets;

namespace SecretFleet.Cli.Commands;

/// <summary>One invocation: its parse result, global settings, output and host.</summary>
internal sealed record CommandContext(ParseResult Parse, GlobalSettings Settings, CliOutput Output, CliHost Host)
{
    public Task<FleetTarget> OpenTargetAsync(CancellationToken cancellationToken) => Host.Targets.OpenAsync(Settings, cancellationToken);

    /// <summary>A positional CLUSTER argument (status, refresh) is --cluster by another name.</summary>
    public CommandContext WithCluster(string? cluster)
    {
        if (cluster is null)
        {
            return this;
        }
        return Settings.Cluster is { } flag && flag != cluster
            ? throw CliException.Usage($"CLUSTER '{cluster}' and --cluster '{flag}' disagree; give one of them.")
            : this with { Settings = Settings with { Cluster = cluster } };
    }
}
