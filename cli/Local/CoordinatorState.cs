using System.Text.Json;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Local;

/// <summary><c>coordinator.json</c>: written by the background coordinator only — when it plans the next refresh.</summary>
internal sealed record CoordinatorState(DateTimeOffset? NextRefresh, DateTimeOffset UpdatedAt, string? LastError)
{
    public const string FileName = "coordinator.json";

    public static CoordinatorState? Load(string fleetDirectory)
    {
        var path = Path.Combine(fleetDirectory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CoordinatorState>(File.ReadAllText(path), CliJson.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string fleetDirectory) =>
        AtomicFile.WriteAllText(Path.Combine(fleetDirectory, FileName), JsonSerializer.Serialize(this, CliJson.Options));
}
