using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Storage;

[Trait("Category", "Unit")]
public sealed class ShareStoreTests : IAsyncLifetime
{
    private const string Alice = "spiffe://test.local/client/alice";
    private const string Bob = "spiffe://test.local/client/bob";
    private readonly TempDirectory _dir = new();
    private readonly byte[] _keyBytes = RandomNumberGenerator.GetBytes(NodeKey.KeyBytes);
    private ShareStore _store = null!;

    public async Task InitializeAsync() => _store = await OpenAsync(x: 2);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    private Task<ShareStore> OpenAsync(byte x, byte[]? key = null) =>
        ShareStore.OpenAsync(_dir.Path, NodeKey.FromBytes(key ?? _keyBytes), x, TimeProvider.System, CancellationToken.None);

    private static ShareWrite Write(string name, ulong version, byte[]? share = null, string owner = Alice, bool createOnly = false) =>
        new(owner, name, version, share ?? RandomNumberGenerator.GetBytes(80), SHA256.HashData(share ?? [1]), 3, createOnly);

    [Fact]
    public async Task Stored_share_reads_back_exactly()
    {
        var write = Write("db-password", 1);
        var put = await _store.PutAsync(write, default);
        var read = await _store.GetAsync(Alice, "db-password", 0, default);

        Assert.Equal(PutStatus.Stored, put.Status);
        Assert.Equal(ReadStatus.Found, read.Status);
        Assert.Equal(write.Share, read.Share!.Share);
        Assert.Equal(write.Commitment, read.Share.Commitment);
        Assert.Equal(1UL, read.Share.Version);
    }

    [Fact]
    public async Task An_import_stores_every_secret_readably_and_audits_each_like_a_put()
    {
        var writes = Enumerable.Range(0, 300).Select(i => Write($"imported-{i}", 1)).ToArray();

        Assert.Equal(writes.Length, await _store.ImportAsync(writes, default));

        foreach (var write in writes)
        {
            var read = await _store.GetAsync(Alice, write.Name, 0, default);
            Assert.Equal(ReadStatus.Found, read.Status);
            Assert.Equal(write.Share, read.Share!.Share);
            Assert.Equal(write.Commitment, read.Share.Commitment);
        }
        Assert.Equal((300L, 300L), await _store.CountAsync(default));
        var audit = await _store.ReadAuditAsync(1000, default);
        Assert.Equal(300, audit.Count(a => a is { Operation: "put", Identity: Alice, Outcome: "Stored" } && a.Subject.StartsWith("imported-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_import_with_one_secret_already_stored_stores_none_and_names_it()
    {
        await _store.PutAsync(Write("taken", 1), default);
        var writes = new[] { Write("fresh-a", 1), Write("taken", 1), Write("fresh-b", 1) };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.ImportAsync(writes, default));

        Assert.Contains("'taken'", error.Message, StringComparison.Ordinal);
        Assert.Equal(ReadStatus.NotFound, (await _store.GetAsync(Alice, "fresh-a", 0, default)).Status);
        Assert.Equal(ReadStatus.NotFound, (await _store.GetAsync(Alice, "fresh-b", 0, default)).Status);
        Assert.Equal((1L, 1L), await _store.CountAsync(default));
    }

    [Fact]
    public async Task An_import_is_refused_while_an_epoch_change_is_open()
    {
        _store.TrackChanges = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.ImportAsync([Write("during", 1)], default));

        Assert.Equal(ReadStatus.NotFound, (await _store.GetAsync(Alice, "during", 0, default)).Status);
    }

    [Fact]
    public async Task Committed_writes_reach_the_database_file_without_waiting_for_the_writer_to_checkpoint()
    {
        var file = new FileInfo(_store.Database.Path);
        var before = file.Length;
        for (var i = 0; i < 20; i++)
        {
            await _store.PutAsync(Write($"copied-{i}", 1), default);
        }

        // Twenty Puts leave the WAL far below the writer's 4,000-frame checkpoint: only the
        // background checkpointer copies their pages into the database file.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Length(file) == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(Length(file) > before, $"shares.db stayed at {before} bytes");
    }

    private static long Length(FileInfo file)
    {
        file.Refresh();
        return file.Length;
    }

    [Fact]
    public async Task Counts_secrets_once_however_many_versions_each_holds()
    {
        Assert.Equal((0L, 0L), await _store.CountAsync(default));
        await _store.PutAsync(Write("rotated", 1), default);
        await _store.PutAsync(Write("rotated", 2), default);
        await _store.PutAsync(Write("plain", 1), default);
        await _store.PutAsync(Write("bobs", 1, owner: Bob), default);

        Assert.Equal((3L, 4L), await _store.CountAsync(default));
    }

    [Fact]
    public async Task Share_values_never_appear_in_plain_in_the_database_files()
    {
        var share = RandomNumberGenerator.GetBytes(160);
        await _store.PutAsync(Write("api-token", 1, share), default);
        await _store.DisposeAsync();

        foreach (var file in Directory.GetFiles(_dir.Path))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(share.AsSpan(0, 32)));
        }
        _store = await OpenAsync(x: 2);
    }

    [Fact]
    public async Task Repeating_the_same_put_is_acknowledged_as_already_stored()
    {
        var write = Write("s", 7);
        await _store.PutAsync(write, default);
        var again = await _store.PutAsync(write, default);
        Assert.Equal(PutStatus.AlreadyStored, again.Status);
    }

    [Fact]
    public async Task Same_version_with_other_content_is_a_conflict()
    {
        await _store.PutAsync(Write("s", 7), default);
        var other = await _store.PutAsync(Write("s", 7), default);
        Assert.Equal(PutStatus.VersionConflict, other.Status);
    }

    [Fact]
    public async Task Create_only_refuses_an_existing_name_and_an_older_version_never_replaces_a_newer()
    {
        await _store.PutAsync(Write("s", 5), default);
        Assert.Equal(PutStatus.NameTaken, (await _store.PutAsync(Write("s", 6, createOnly: true), default)).Status);
        Assert.Equal(PutStatus.NewerVersionExists, (await _store.PutAsync(Write("s", 4), default)).Status);
        Assert.Equal(5UL, (await _store.GetAsync(Alice, "s", 0, default)).Share!.Version);
    }

    [Fact]
    public async Task Another_owner_can_neither_read_overwrite_nor_delete()
    {
        await _store.PutAsync(Write("alices", 1), default);
        Assert.Equal(ReadStatus.OwnedByAnother, (await _store.GetAsync(Bob, "alices", 0, default)).Status);
        Assert.Equal(PutStatus.OwnedByAnother, (await _store.PutAsync(Write("alices", 2, owner: Bob), default)).Status);
        Assert.Equal(DeleteStatus.OwnedByAnother, (await _store.DeleteAsync(Bob, "alices", 0, default)).Status);
        Assert.Equal(ReadStatus.Found, (await _store.GetAsync(Alice, "alices", 0, default)).Status);
    }

    [Fact]
    public async Task Overwrite_keeps_the_previous_version_so_a_failed_overwrite_can_be_rolled_back()
    {
        var first = Write("s", 1);
        await _store.PutAsync(first, default);
        await _store.PutAsync(Write("s", 2), default);
        var newest = await _store.GetAsync(Alice, "s", 0, default);
        Assert.Equal([1UL], newest.Share!.OlderVersions);

        await _store.DeleteAsync(Alice, "s", 2, default);
        var rolledBack = await _store.GetAsync(Alice, "s", 0, default);
        Assert.Equal(first.Share, rolledBack.Share!.Share);

        await _store.PutAsync(Write("s", 3), default);
        await _store.PutAsync(Write("s", 4), default);
        Assert.Equal([3UL], (await _store.GetAsync(Alice, "s", 0, default)).Share!.OlderVersions);
    }

    [Fact]
    public async Task While_a_resharing_deals_a_store_keeps_every_older_version_and_only_pairs_stored_meanwhile_may_be_deleted()
    {
        await _store.PutAsync(Write("dealt", 1), default);
        await _store.PutAsync(Write("also-dealt", 1), default);
        _store.Freeze = WriteFreeze.Dealing;

        await _store.PutAsync(Write("dealt", 2), default);
        await _store.PutAsync(Write("dealt", 3), default);
        await _store.PutAsync(Write("new", 1), default);

        // Version 1 is in the snapshot being dealt: a third version does not prune it.
        Assert.Equal(ReadStatus.Found, (await _store.GetAsync(Alice, "dealt", 1, default)).Status);
        Assert.Equal(DeleteStatus.Frozen, (await _store.DeleteAsync(Alice, "also-dealt", 0, default)).Status);
        Assert.Equal(DeleteStatus.Frozen, (await _store.DeleteAsync(Alice, "dealt", 0, default)).Status);
        Assert.Equal(DeleteStatus.Deleted, (await _store.DeleteAsync(Alice, "dealt", 3, default)).Status);
        Assert.Equal(DeleteStatus.Deleted, (await _store.DeleteAsync(Alice, "new", 0, default)).Status);

        _store.Freeze = WriteFreeze.CatchingUp;
        Assert.Equal(PutStatus.Frozen, (await _store.PutAsync(Write("late", 1), default)).Status);
        Assert.Equal(DeleteStatus.Deleted, (await _store.DeleteAsync(Alice, "dealt", 2, default)).Status);
        Assert.Equal(DeleteStatus.Frozen, (await _store.DeleteAsync(Alice, "dealt", 1, default)).Status);

        _store.Freeze = WriteFreeze.All;
        Assert.Equal(PutStatus.Frozen, (await _store.PutAsync(Write("late", 1), default)).Status);
        Assert.Equal(DeleteStatus.Frozen, (await _store.DeleteAsync(Alice, "also-dealt", 0, default)).Status);
    }

    [Fact]
    public async Task Delete_removes_every_version()
    {
        await _store.PutAsync(Write("s", 1), default);
        await _store.PutAsync(Write("s", 2), default);
        var deleted = await _store.DeleteAsync(Alice, "s", 0, default);
        Assert.Equal(2, deleted.DeletedVersions);
        Assert.Equal(ReadStatus.NotFound, (await _store.GetAsync(Alice, "s", 0, default)).Status);
        Assert.Equal(DeleteStatus.NotFound, (await _store.DeleteAsync(Alice, "s", 0, default)).Status);
    }

    [Fact]
    public async Task List_pages_through_the_owners_newest_versions_only()
    {
        foreach (var name in new[] { "c", "a", "b", "d" })
        {
            await _store.PutAsync(Write(name, 1), default);
        }
        await _store.PutAsync(Write("b", 2, share: new byte[160]), default);
        await _store.PutAsync(Write("zz", 1, owner: Bob), default);

        var first = await _store.ListAsync(Alice, 3, "", default);
        var second = await _store.ListAsync(Alice, 3, first[^1].Name, default);

        Assert.Equal(["a", "b", "c"], first.Select(s => s.Name));
        Assert.Equal(2UL, first[1].Version);
        Assert.Equal(10, first[1].Blocks);
        Assert.Equal(["d"], second.Select(s => s.Name));
    }

    [Fact]
    public async Task Concurrent_puts_are_all_durable_after_reopening()
    {
        var writes = Enumerable.Range(0, 300).Select(i => Write($"secret-{i}", 1)).ToArray();
        var results = await Task.WhenAll(writes.Select(w => _store.PutAsync(w, default)));
        Assert.All(results, r => Assert.Equal(PutStatus.Stored, r.Status));

        await _store.DisposeAsync();
        _store = await OpenAsync(x: 2);
        foreach (var write in writes)
        {
            Assert.Equal(write.Share, (await _store.GetAsync(Alice, write.Name, 0, default)).Share!.Share);
        }
    }

    [Fact]
    public async Task A_tampered_row_is_reported_unreadable_not_returned()
    {
        await _store.PutAsync(Write("s", 1), default);
        await _store.DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={_dir.Combine(StoreDatabase.FileName)};Pooling=false"))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT sealed FROM values_0";
            var sealedValue = (byte[])read.ExecuteScalar()!;
            sealedValue[20] ^= 0x01;
            using var write = connection.CreateCommand();
            write.CommandText = "UPDATE values_0 SET sealed = $tampered";
            write.Parameters.AddWithValue("$tampered", sealedValue);
            write.ExecuteNonQuery();
        }
        _store = await OpenAsync(x: 2);
        Assert.Equal(ReadStatus.Unreadable, (await _store.GetAsync(Alice, "s", 0, default)).Status);
    }

    [Fact]
    public async Task Opening_with_another_key_or_ordinal_fails_with_a_clear_message()
    {
        await _store.DisposeAsync();
        var wrongKey = await Assert.ThrowsAsync<NodeConfigurationException>(() => OpenAsync(2, RandomNumberGenerator.GetBytes(32)));
        var wrongOrdinal = await Assert.ThrowsAsync<NodeConfigurationException>(() => OpenAsync(3));
        Assert.Contains("sealed under another key", wrongKey.Message);
        Assert.Contains("belongs to ordinal 1, not 2", wrongOrdinal.Message);
        _store = await OpenAsync(x: 2);
    }

    [Fact]
    public async Task Every_operation_leaves_an_audit_row_without_values()
    {
        var write = Write("audited", 1);
        await _store.PutAsync(write, default);
        await _store.GetAsync(Bob, "audited", 0, default);
        await _store.DeleteAsync(Alice, "audited", 0, default);

        var audit = await _store.ReadAuditAsync(10, default);
        Assert.Contains(audit, a => a is { Operation: "put", Identity: Alice, Subject: "audited@1", Outcome: "Stored" });
        Assert.Contains(audit, a => a is { Operation: "get", Identity: Bob, Outcome: "OwnedByAnother" });
        Assert.Contains(audit, a => a is { Operation: "delete", Identity: Alice, Outcome: "Deleted" });
        Assert.DoesNotContain(audit, a => a.Subject.Contains(Convert.ToHexString(write.Share), StringComparison.Ordinal));
    }
}
