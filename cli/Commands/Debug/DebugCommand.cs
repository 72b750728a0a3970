using System.CommandLine;

namespace SecretFleet.Cli.Commands.Debug;

/// <summary>Hidden `debug shares NAME`: a fingerprint of each node's share, for demos and troubleshooting.</summary>
internal static class DebugCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var debug = new Command("debug", "Troubleshooting tools.") { Hidden = true };
        var name = new Argument<string>("NAME") { Description = "secret name" };
        var shares = new Command("shares", "Show a SHA-256 fingerprint of each node's share of a secret (never a share or the secret).") { name };
        CommandRunner.SetAction(shares, globals, host, (context, cancellationToken) => new ShareFingerprints(context).RunAsync(context.Parse.GetValue(name)!, cancellationToken));
        debug.Add(shares);
        return debug;
    }
}
