namespace SecretFleet.Operator.Tests.Support;

internal static class RepoPaths
{
    /// <summary>The repository root: the directory above the test binaries that holds SecretFleet.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string PeersNodeModules => Of("tests", "peers", "node_modules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretFleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SecretFleet.sln above {AppContext.BaseDirectory}.");
    }
}
