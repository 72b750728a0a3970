namespace SecretFleet.Cli.Tests.Support;

/// <summary>A directory of its own for one test or fixture, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("secretfleet-cli-test-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be releasing a file; the OS temp cleaner takes the rest.
        }
    }
}
