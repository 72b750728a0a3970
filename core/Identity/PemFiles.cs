namespace SecretFleet.Core.Identity;

/// <summary>Writes PEM files atomically (temp file + rename), private keys readable by the owner only.</summary>
internal static class PemFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WritePublic(string path, string pem) => Write(path, pem, Public);

    public static void WritePrivate(string path, string pem) => Write(path, pem, OwnerOnly);

    private static void Write(string path, string pem, UnixFileMode mode)
    {
        // The temp file is created with its final mode, so a key is never readable by others,
        // not even for the moment between create and chmod.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(pem);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new TlsMaterialException($"Cannot write {path}: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed; that error is the one worth reporting.
        }
    }
}
