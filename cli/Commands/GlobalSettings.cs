using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Commands;

/// <summary>The global flags of one invocation, parsed.</summary>
internal sealed record GlobalSettings
{
    public string? Cluster { get; init; }

    public string? Namespace { get; init; }

    public string? Context { get; init; }

    public string? Kubeconfig { get; init; }

    public ConnectMode Connect { get; init; } = ConnectMode.Auto;

    public OutputFormat Output { get; init; } = OutputFormat.Table;

    /// <summary>The client identity to act as (<c>--client</c>); null = the fleet's "default".</summary>
    public string? Client { get; init; }
}
