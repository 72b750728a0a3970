using System.Text.Json;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Local;

/// <summary>
/// The user's SecretFleet directory (<c>$SECRETFLEET_HOME</c>, else <c>~/.secretfleet</c>): the
/// default local fleet lives in <c>local/</c>, and <c>current.json</c> says which fleet the verbs
/// talk to when no <c>--cluster</c> is given. Tests point <c>SECRETFLEET_HOME</c> at a temp dir.
/// </summary>
internal sealed class FleetHome(string path)
{
    public const string EnvironmentVariable = "SECRETFLEET_HOME";
    private const string CurrentFileName = "current.json";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string DefaultFleetDirectory => System.IO.Path.Combine(Path, "local");

    private string CurrentFile => System.IO.Path.Combine(Path, CurrentFileName);

    public static FleetHome Resolve(CliConsole console)
    {
        var configured = console.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new FleetHome(configured);
        }
        var home = console.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new FleetHome(System.IO.Path.Combine(home, ".secretfleet"));
    }

    /// <summary>The fleet directory the verbs talk to, or null when none was made current (or it is gone).</summary>
    public string? CurrentFleetDirectory()
    {
        if (!File.Exists(CurrentFile))
        {
            return null;
        }
        try
        {
            var current = JsonSerializer.Deserialize<CurrentFleet>(File.ReadAllText(CurrentFile), CliJson.Options);
            return current?.Directory is { Length: > 0 } dir && File.Exists(FleetManifest.PathIn(dir)) ? dir : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void MakeCurrent(string fleetDirectory)
    {
        PrivateDirectory.Ensure(Path);
        AtomicFile.WriteAllText(CurrentFile, JsonSerializer.Serialize(new CurrentFleet("local", System.IO.Path.GetFullPath(fleetDirectory)), CliJson.Options));
    }

    /// <summary>Forgets the current fleet if it is <paramref name="fleetDirectory"/> (after a purge).</summary>
    public void ForgetIfCurrent(string fleetDirectory)
    {
        if (CurrentPointsTo(fleetDirectory))
        {
            File.Delete(CurrentFile);
        }
    }

    private bool CurrentPointsTo(string fleetDirectory)
    {
        try
        {
            return File.Exists(CurrentFile)
                && JsonSerializer.Deserialize<CurrentFleet>(File.ReadAllText(CurrentFile), CliJson.Options)?.Directory is { } dir
                && SameDirectory(dir, fleetDirectory);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(System.IO.Path.GetFullPath(a).TrimEnd('/'), System.IO.Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    private sealed record CurrentFleet(string Kind, string Directory);
}
