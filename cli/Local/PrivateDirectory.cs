namespace SecretFleet.Cli.Local;

/// <summary>
/// The directories of a local fleet hold node keys, share databases and the CA's key, so they are
/// the user's alone: mode 0700, also when an older version created them with the umask's 0755.
/// </summary>
internal static class PrivateDirectory
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> with mode 0700, or sets an existing one to 0700. Missing
    /// parents get the umask's mode, so callers ensure every level of the fleet they own.
    /// </summary>
    public static string Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }
        Directory.CreateDirectory(path, Mode);
        if (File.GetUnixFileMode(path) != Mode)
        {
            File.SetUnixFileMode(path, Mode);
        }
        return path;
    }
}
