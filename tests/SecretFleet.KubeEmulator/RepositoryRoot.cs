namespace SecretFleet.KubeEmulator;

/// <summary>Finds the repository root (the folder with SecretFleet.sln) above the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretFleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SecretFleet.sln above {AppContext.BaseDirectory}; set EmulatorOptions.RepositoryRoot.");
    }
}
