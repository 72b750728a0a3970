using System.Reflection;
using System.Text.RegularExpressions;

namespace SecretFleet.Cli.Local;

/// <summary>Starts the background coordinator: this same binary's hidden verb <c>local coordinator --dir D</c>.</summary>
internal static partial class CoordinatorLauncher
{
    public const string ReadyText = "secretfleet-coordinator ready";

    public static async Task<LocalCoordinator> StartAsync(FleetManifest fleet, TimeProvider time, CancellationToken cancellationToken)
    {
        var command = SelfCommand();
        command.AddRange(["local", "coordinator", "--dir", fleet.Directory]);
        var offset = LogWatcher.Length(fleet.CoordinatorLogFile);
        var process = DetachedProcess.Start(command, fleet.CoordinatorLogFile, fleet.Directory);
        try
        {
            await LogWatcher.WaitForLineAsync(fleet.CoordinatorLogFile, offset, ReadyLine(), process, "The coordinator", TimeSpan.FromSeconds(60), time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ProcessControl.Kill(process);
            throw;
        }
        return new LocalCoordinator(process);
    }

    /// <summary>How to run this program again: its apphost, or <c>dotnet kubectl-secrets.dll</c> when started that way.</summary>
    internal static List<string> SelfCommand()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var name = Path.GetFileNameWithoutExtension(path);
        return name == "dotnet"
            ? [path, Assembly.GetEntryAssembly()?.Location ?? Path.Combine(AppContext.BaseDirectory, "kubectl-secrets.dll")]
            : [path];
    }

    [GeneratedRegex(ReadyText)]
    private static partial Regex ReadyLine();
}
