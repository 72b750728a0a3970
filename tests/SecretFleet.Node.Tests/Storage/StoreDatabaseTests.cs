using System.Security.Cryptography;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Storage;

/// <summary>The files a node keeps shares in are its user's alone.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Unit")]
public sealed class StoreDatabaseTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Private = OwnerOnly | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private readonly TempDirectory _dir = new();
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(NodeKey.KeyBytes);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_new_data_directory_is_0700_and_the_database_wal_and_shm_files_are_0600()
    {
        var data = _dir.Combine("node-0", "data");

        await using (var store = await OpenAsync(data))
        {
            await store.PutAsync(new ShareWrite("spiffe://test.local/client/alice", "s", 1, RandomNumberGenerator.GetBytes(48), new byte[32], 2, false), default);

            Assert.Equal(Private, File.GetUnixFileMode(data));
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                var file = Path.Combine(data, StoreDatabase.FileName + suffix);
                Assert.True(File.Exists(file), $"{file} is missing");
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    public async Task A_database_an_older_node_left_0644_is_set_to_0600_and_an_existing_directory_keeps_its_mode()
    {
        var data = _dir.Combine("data");
        Directory.CreateDirectory(data, Shared);
        await (await OpenAsync(data)).DisposeAsync();
        var database = Path.Combine(data, StoreDatabase.FileName);
        File.SetUnixFileMode(database, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using (var reopened = await OpenAsync(data))
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(database));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(database + "-wal"));
        }
        // A volume's root on Kubernetes: the platform owns its mode.
        Assert.Equal(Shared, File.GetUnixFileMode(data));
    }

    private Task<ShareStore> OpenAsync(string data) =>
        ShareStore.OpenAsync(data, NodeKey.FromBytes(_key), 1, TimeProvider.System, CancellationToken.None);
}
