using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Storage;

/// <summary>A node upgraded in place keeps every share a schema-1 node stored.</summary>
[Trait("Category", "Unit")]
public sealed class StoreMigrationTests : IDisposable
{
    private const string Alice = "spiffe://test.local/client/alice";
    private readonly TempDirectory _dir = new();
    private readonly byte[] _keyBytes = RandomNumberGenerator.GetBytes(NodeKey.KeyBytes);

    public void Dispose() => _dir.Dispose();

    private Task<ShareStore> OpenAsync() =>
        ShareStore.OpenAsync(_dir.Path, NodeKey.FromBytes(_keyBytes), 2, TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task A_schema_1_database_opens_with_every_share_readable()
    {
        var shares = Enumerable.Range(0, 20).Select(_ => RandomNumberGenerator.GetBytes(48)).ToArray();
        await using (var store = await OpenAsync())
        {
            for (var i = 0; i < shares.Length; i++)
            {
                await store.PutAsync(new ShareWrite(Alice, $"s{i}", 1, shares[i], SHA256.HashData(shares[i]), 3, false), default);
            }
        }
        RewriteAsSchema1(epoch: 0);

        await using (var upgraded = await OpenAsync())
        {
            for (var i = 0; i < shares.Length; i++)
            {
                var read = await upgraded.GetAsync(Alice, $"s{i}", 0, default);
                Assert.Equal(ReadStatus.Found, read.Status);
                Assert.Equal(shares[i], read.Share!.Share);
            }
        }
        Assert.Equal(StoreSchema.Version, UserVersion());
    }

    [Fact]
    public async Task A_schema_1_database_mid_refresh_is_refused_and_left_untouched()
    {
        await using (var store = await OpenAsync())
        {
            await store.PutAsync(new ShareWrite(Alice, "s", 1, new byte[48], SHA256.HashData(new byte[48]), 3, false), default);
        }
        RewriteAsSchema1(epoch: 0);
        Execute("""INSERT INTO node_state (name, value) VALUES ('operation', '{"Id":"r1","Kind":1,"Phase":3,"Epoch":0,"TargetEpoch":1,"Threshold":3,"Dealers":[],"RecoveryTargetX":0,"BatchBlocks":64,"FleetId":""}')""");

        var refused = await Assert.ThrowsAsync<NodeConfigurationException>(OpenAsync);

        Assert.Contains("in the middle of a refresh or recovery", refused.Message);
        Assert.Equal(1, UserVersion());
    }

    [Theory]
    [InlineData(false, new[] { "two-versions" })]
    [InlineData(true, new[] { "one-version", "two-versions" })]
    public async Task A_schema_2_database_tells_the_next_commit_every_secret_it_must_look_at(bool midRefresh, string[] expected)
    {
        await using (var store = await OpenAsync())
        {
            await store.PutAsync(new ShareWrite(Alice, "one-version", 1, new byte[48], SHA256.HashData(new byte[48]), 3, false), default);
            await store.PutAsync(new ShareWrite(Alice, "two-versions", 1, new byte[48], SHA256.HashData(new byte[48]), 3, false), default);
            await store.PutAsync(new ShareWrite(Alice, "two-versions", 2, new byte[48], SHA256.HashData(new byte[48]), 3, false), default);
        }
        // Schema 2 had no touched_keys: a schema-2 node that was refreshing tracked none of its writes.
        Execute("DROP TABLE touched_keys; PRAGMA user_version = 2;");
        if (midRefresh)
        {
            Execute("""INSERT INTO node_state (name, value) VALUES ('operation', '{"Id":"r1","Kind":1,"Phase":3,"Epoch":0,"TargetEpoch":1,"Threshold":3,"Dealers":[],"RecoveryTargetX":0,"BatchBlocks":64,"FleetId":""}')""");
        }

        await using (var upgraded = await OpenAsync())
        {
            Assert.Equal(ReadStatus.Found, (await upgraded.GetAsync(Alice, "one-version", 0, default)).Status);
        }

        Assert.Equal(StoreSchema.Version, UserVersion());
        Assert.Equal(expected.Select(name => Convert.ToHexString(SecretKeys.For(name))).Order(), TouchedKeys().Order());
    }

    private List<string> TouchedKeys()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM touched_keys";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(Convert.ToHexString((byte[])reader[0]));
        }
        return keys;
    }

    /// <summary>Turns the file back into the layout schema 1 nodes wrote: values inside the shares rows.</summary>
    private void RewriteAsSchema1(ulong epoch) => Execute($"""
        CREATE TABLE shares_1 (
            key BLOB NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL, epoch INTEGER NOT NULL,
            threshold INTEGER NOT NULL, blocks INTEGER NOT NULL, commitment BLOB NOT NULL, sealed BLOB NOT NULL, updated_ms INTEGER NOT NULL,
            PRIMARY KEY (key, version)) WITHOUT ROWID;
        INSERT INTO shares_1 SELECT m.key, m.version, m.name, m.owner, {epoch}, m.threshold, m.blocks, m.commitment, v.sealed, m.updated_ms
            FROM shares m JOIN {ValueTables.Of(epoch)} v USING (key, version);
        DROP TABLE shares; DROP TABLE values_0; DROP TABLE values_1; DROP TABLE touched_keys;
        ALTER TABLE shares_1 RENAME TO shares;
        CREATE INDEX shares_by_owner ON shares (owner, name);
        CREATE TABLE staged (key BLOB NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (key, version)) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """);

    private long UserVersion()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, StoreDatabase.FileName)};Pooling=false");
        connection.Open();
        return connection;
    }
}
