using System.Text.Json;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>
/// A local fleet started through `kubectl-secrets local up` in a temp SECRETFLEET_HOME. Disposing
/// runs `local down --purge` and, as a safety net, kills any process fleet.json still names.
/// </summary>
public sealed class LocalFleet : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    private LocalFleet() => Cli = new CliProcess(_directory.Combine("home"));

    public CliProcess Cli { get; }

    public string FleetDirectory => _directory.Combine("fleet");

    public CliResult Started { get; private set; } = null!;

    public static async Task<LocalFleet> StartAsync(int nodes = 5, int threshold = 3, string refreshInterval = "1h")
    {
        var fleet = new LocalFleet();
        try
        {
            fleet.Started = await fleet.Cli.RunAsync("local", "up", "--nodes", $"{nodes}", "--threshold", $"{threshold}", "--refresh-interval", refreshInterval, "--dir", fleet.FleetDirectory);
            Assert.True(fleet.Started.ExitCode == 0, $"local up failed: {fleet.Started}");
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>fleet.json as the CLI wrote it.</summary>
    public JsonElement Manifest() => JsonDocument.Parse(File.ReadAllText(Path.Combine(FleetDirectory, "fleet.json"))).RootElement.Clone();

    public int NodePid(int ordinal) => Manifest().GetProperty("nodes")[ordinal].GetProperty("process").GetProperty("pid").GetInt32();

    /// <summary>Every pid fleet.json names (nodes and coordinator).</summary>
    public IReadOnlyList<int> Pids()
    {
        if (!File.Exists(Path.Combine(FleetDirectory, "fleet.json")))
        {
            return [];
        }
        var manifest = Manifest();
        var pids = manifest.GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("process").ValueKind == JsonValueKind.Object)
            .Select(n => n.GetProperty("process").GetProperty("pid").GetInt32()).ToList();
        if (manifest.GetProperty("coordinator") is { ValueKind: JsonValueKind.Object } coordinator)
        {
            pids.Add(coordinator.GetProperty("process").GetProperty("pid").GetInt32());
        }
        return pids;
    }

    public async ValueTask DisposeAsync()
    {
        var pids = Pids();
        if (Directory.Exists(FleetDirectory))
        {
            await Cli.RunAsync("local", "down", "--purge", "--dir", FleetDirectory);
        }
        foreach (var pid in pids.Where(Processes.IsRunning))
        {
            Processes.Kill(pid);
        }
        _directory.Dispose();
    }
}
