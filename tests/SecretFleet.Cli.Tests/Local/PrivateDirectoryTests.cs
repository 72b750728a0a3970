using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class PrivateDirectoryTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Fact]
    public void A_new_directory_is_0700_and_an_existing_one_is_set_to_0700()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("old"), Shared);

        PrivateDirectory.Ensure(dir.Combine("new"));
        PrivateDirectory.Ensure(dir.Combine("old"));

        Assert.Equal(Private, File.GetUnixFileMode(dir.Combine("new")));
        Assert.Equal(Private, File.GetUnixFileMode(dir.Combine("old")));
    }

    [Fact]
    public void A_node_prepared_again_in_a_fleet_an_older_version_made_0755_gets_0700_directories()
    {
        using var dir = new TempDirectory();
        var node = new LocalNode { Ordinal = 1, NodeDirectory = dir.Combine("fleet", "nodes", "node-1") };
        foreach (var path in new[] { dir.Combine("fleet", "nodes"), node.NodeDirectory, node.DataDirectory })
        {
            Directory.CreateDirectory(path, Shared);
        }

        NodeLauncher.Prepare(node);

        Assert.All(new[] { dir.Combine("fleet", "nodes"), node.NodeDirectory, node.DataDirectory }, path => Assert.Equal(Private, File.GetUnixFileMode(path)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(node.KeyFile));
    }

    [Fact]
    public void Client_certificates_go_into_0700_directories_and_a_client_name_cannot_leave_them()
    {
        using var dir = new TempDirectory();
        var fleet = dir.Combine("fleet");
        var pki = new LocalPki(fleet);
        pki.EnsureAuthority("test.local").Dispose();

        pki.LoadClient("bob").Dispose();
        var escape = Assert.Throws<SecretFleet.Cli.Commands.CliException>(() => pki.LoadClient("../operator"));

        Assert.All(new[] { Path.Combine(fleet, "ca"), Path.Combine(fleet, "certs"), Path.Combine(fleet, "certs", "clients"), LocalPki.ClientDirectory(fleet, "bob") },
            path => Assert.Equal(Private, File.GetUnixFileMode(path)));
        Assert.Contains("not a valid client name", escape.Message);
    }
}
