using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

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

    [Fact]
    public async Task A_format_1_database_is_resealed_under_a_fresh_chain_key_and_its_old_rows_are_erased()
    {
        var shares = Enumerable.Range(0, 20).Select(_ => RandomNumberGenerator.GetBytes(48)).ToArray();
        await using (var store = await OpenAsync())
        {
            for (var i = 0; i < shares.Length; i++)
            {
                await store.PutAsync(new ShareWrite(Alice, $"s{i}", 1, shares[i], SHA256.HashData(shares[i]), 3, false), default);
            }
        }
        // What a node before per-refresh sealing keys wrote: values under a key derived from the node key and the epoch alone.
        var legacy = shares.Select((share, i) => LegacySeal(SecretKeys.For($"s{i}"), 1, epoch: 0, share)).ToArray();
        for (var i = 0; i < shares.Length; i++)
        {
            using var connection = Connect();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE values_0 SET sealed = $sealed WHERE key = $key";
            update.Parameters.AddWithValue("$sealed", legacy[i]);
            update.Parameters.AddWithValue("$key", SecretKeys.For($"s{i}"));
            update.ExecuteNonQuery();
        }
        var check = LegacySeal(new byte[SecretKeys.KeyBytes], 0, epoch: 0, "secretfleet node key check"u8.ToArray());
        Execute($"DELETE FROM node_state WHERE name IN ('seal_chain', 'seal_format'); INSERT INTO node_state (name, value) VALUES ('key_check', '{Convert.ToBase64String(check)}');");

        await using (var upgraded = await OpenAsync())
        {
            for (var i = 0; i < shares.Length; i++)
            {
                var read = await upgraded.GetAsync(Alice, $"s{i}", 0, default);
                Assert.Equal(ReadStatus.Found, read.Status);
                Assert.Equal(shares[i], read.Share!.Share);
            }
        }

        Assert.Equal("2", State("seal_format"));
        Assert.Null(State("key_check"));
        foreach (var file in Directory.GetFiles(_dir.Path))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.All(legacy, old => Assert.True(bytes.AsSpan().IndexOf(old.AsSpan(13, 32)) < 0, $"{Path.GetFileName(file)} still holds a format-1 row"));
        }
    }

    [Fact]
    public async Task A_format_1_database_does_not_open_under_another_node_key()
    {
        await using (var store = await OpenAsync())
        {
            await store.PutAsync(new ShareWrite(Alice, "s", 1, new byte[48], SHA256.HashData(new byte[48]), 3, false), default);
        }
        var check = LegacySeal(new byte[SecretKeys.KeyBytes], 0, epoch: 0, "secretfleet node key check"u8.ToArray());
        Execute($"DELETE FROM node_state WHERE name IN ('seal_chain', 'seal_format'); INSERT INTO node_state (name, value) VALUES ('key_check', '{Convert.ToBase64String(check)}');");

        var refused = await Assert.ThrowsAsync<NodeConfigurationException>(() =>
            ShareStore.OpenAsync(_dir.Path, NodeKey.FromBytes(RandomNumberGenerator.GetBytes(NodeKey.KeyBytes)), 2, TimeProvider.System, CancellationToken.None));

        Assert.Contains("does not open the database", refused.Message, StringComparison.Ordinal);
        Assert.Null(State("seal_format"));
    }

    // Format 1: AES-256-GCM under HKDF(node key, epoch), bound to (key, version, epoch, x); version byte 1.
    private byte[] LegacySeal(byte[] secretKey, ulong version, ulong epoch, byte[] value)
    {
        using var nodeKey = NodeKey.FromBytes(_keyBytes);
        using var aes = new AesGcm(nodeKey.LegacyEpochKey(epoch), 16);
        var ad = new byte[SecretKeys.KeyBytes + 17];
        secretKey.CopyTo(ad, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(ad.AsSpan(SecretKeys.KeyBytes), version);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(ad.AsSpan(SecretKeys.KeyBytes + 8), epoch);
        ad[^1] = 2;
        var sealedValue = new byte[1 + 12 + value.Length + 16];
        sealedValue[0] = 1;
        RandomNumberGenerator.Fill(sealedValue.AsSpan(1, 12));
        aes.Encrypt(sealedValue.AsSpan(1, 12), value, sealedValue.AsSpan(13, value.Length), sealedValue.AsSpan(13 + value.Length), ad);
        return sealedValue;
    }

    private string? State(string name)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM node_state WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
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
