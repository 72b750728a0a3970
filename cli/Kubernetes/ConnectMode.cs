using SecretFleet.Cli.Commands;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>How the CLI reaches node pods: their pod IPs, port-forwarding through the API server, or whichever works (auto).</summary>
internal enum ConnectMode
{
    Auto,
    Direct,
    PortForward,
}

internal static class ConnectModes
{
    public static readonly string[] Names = ["auto", "direct", "port-forward"];

    public static ConnectMode Parse(string? text) => text switch
    {
        null or "" or "auto" => ConnectMode.Auto,
        "direct" => ConnectMode.Direct,
        "port-forward" => ConnectMode.PortForward,
        _ => throw CliException.Usage($"--connect '{text}' is not a connection mode; use auto, direct or port-forward."),
    };
}
