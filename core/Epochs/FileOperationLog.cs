using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// The coordinator's decision log as a JSON file (local mode). Writes go to a temporary file
/// that is flushed to disk and renamed over the old one, so a crash leaves either the old
/// record or the new one, never a torn one.
/// </summary>
public sealed class FileOperationLog(string path) : IOperationLog
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <inheritdoc />
    public async Task<OperationLogRecord?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<OperationLogRecord>(stream, Json, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SaveAsync(OperationLogRecord record, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, record, Json, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
