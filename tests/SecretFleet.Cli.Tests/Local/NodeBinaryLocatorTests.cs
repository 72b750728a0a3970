using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class NodeBinaryLocatorTests
{
    private static string Touch(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, NodeBinaryLocator.BinaryName);
        File.WriteAllText(path, "#!/bin/sh\n");
        return path;
    }

    [Fact]
    public void The_environment_variable_wins_then_the_binary_next_to_the_cli_then_path()
    {
        using var dir = new TempDirectory();
        var configured = Touch(dir.Combine("configured"));
        var beside = Touch(dir.Combine("beside"));
        var onPath = Touch(dir.Combine("path"));
        var env = new Dictionary<string, string> { ["SECRETFLEET_NODE_BINARY"] = configured, ["PATH"] = Path.GetDirectoryName(onPath)! };

        Assert.Equal(configured, NodeBinaryLocator.Find(n => env.GetValueOrDefault(n), Path.GetDirectoryName(beside)!));
        env.Remove("SECRETFLEET_NODE_BINARY");
        Assert.Equal(beside, NodeBinaryLocator.Find(n => env.GetValueOrDefault(n), Path.GetDirectoryName(beside)!));
        Assert.Equal(onPath, NodeBinaryLocator.Find(n => env.GetValueOrDefault(n), dir.Combine("empty")));
    }

    [Fact]
    public void A_missing_binary_is_reported_with_what_to_do()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<CliException>(() => NodeBinaryLocator.Find(_ => null, dir.Path));

        Assert.Contains("make install", error.Message);
        Assert.Contains("SECRETFLEET_NODE_BINARY", error.Message);
    }

    [Fact]
    public void A_wrong_environment_variable_is_an_error_not_a_silent_fallback()
    {
        using var dir = new TempDirectory();
        Touch(dir.Path);

        var error = Assert.Throws<CliException>(() => NodeBinaryLocator.Find(n => n == "SECRETFLEET_NODE_BINARY" ? "/no/such/node" : null, dir.Path));

        Assert.Contains("/no/such/node", error.Message);
    }
}
