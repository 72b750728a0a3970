using System.Text.Json;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Local;

/// <summary>
/// <c>refresh.json</c>: the last refresh of a local fleet, whoever ran it. Written only while
/// holding the <see cref="RefreshLock"/>, read by the schedule and by <c>status</c>.
/// </summary>
internal sealed record RefreshHistory
{
    public const string FileName = "refresh.json";

    /// <summary>When the last refresh committed.</summary>
    public DateTimeOffset? LastRefresh { get; init; }

    public DateTimeOffset? LastAttempt { get; init; }

    public string? LastOperationId { get; init; }

    /// <summary>commit, abort or failed.</summary>
    public string? LastResult { get; init; }

    public string? LastReason { get; init; }

    public ulong? Epoch { get; init; }

    public static RefreshHistory Load(string fleetDirectory)
    {
        var path = Path.Combine(fleetDirectory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RefreshHistory>(File.ReadAllText(path), CliJson.Options) ?? new() : new();
        }
        catch (JsonException)
        {
            return new();
        }
    }

    public void Save(string fleetDirectory) =>
        AtomicFile.WriteAllText(Path.Combine(fleetDirectory, FileName), JsonSerializer.Serialize(this, CliJson.Options));
}
