using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Storage;

/// <summary>
/// The node's shares: metadata per (secret, version) and its sealed value in the current epoch's
/// table (<see cref="ValueTables"/>), owner-checked, audited. Writes go
/// through the group-committing <see cref="WriteQueue"/> and are acknowledged only once durable.
/// </summary>
internal sealed class ShareStore : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ReadAuditBuffer _readAudit;
    private NodeState _state;

    private ShareStore(StoreDatabase database, ShareSealer sealer, NodeState state, TimeProvider time)
    {
        Database = database;
        Sealer = sealer;
        _state = state;
        _time = time;
        _readAudit = new ReadAuditBuffer(entries => Database.Writes.RunAsync(context =>
        {
            foreach (var entry in entries)
            {
                Audit(context, entry);
            }
            return 0;
        }, CancellationToken.None), time);
    }

    public StoreDatabase Database { get; }

    public ShareSealer Sealer { get; }

    public NodeState State => Volatile.Read(ref _state);

    /// <summary>
    /// While true (from before an operation's Begin until its commit or abort has landed), every
    /// write and delete enters its secret into touched_keys, so the commit can carry what the
    /// operation did not refresh without scanning every share. Set too early or cleared too late
    /// only costs a few rows; it is never cleared while an operation can still commit.
    /// </summary>
    public bool TrackChanges
    {
        get => Volatile.Read(ref _trackChanges);
        set => Volatile.Write(ref _trackChanges, value);
    }

    private bool _trackChanges;

    /// <summary>
    /// What a resharing refuses (<see cref="WriteFreeze"/>): set in the transaction that takes its
    /// snapshot, tightened at the agreement, lifted at commit or abort. Checked inside the write
    /// transaction, so no write slips in between the snapshot and the flag.
    /// </summary>
    public WriteFreeze Freeze
    {
        get => (WriteFreeze)Volatile.Read(ref _freeze);
        set => Volatile.Write(ref _freeze, (int)value);
    }

    private int _freeze;

    public static async Task<ShareStore> OpenAsync(string dataDirectory, NodeKey key, byte x, TimeProvider time, CancellationToken cancellationToken)
    {
        var database = StoreDatabase.Open(dataDirectory);
        try
        {
            var (state, sealer, upgraded) = await database.Writes.RunAsync(context => LoadOrInitialize(context, key, x, database.Path), cancellationToken).ConfigureAwait(false);
            if (upgraded)
            {
                // The format-1 rows are deleted; their page images leave the WAL too.
                await database.SettleErasureAsync(cancellationToken).ConfigureAwait(false);
            }
            return new ShareStore(database, sealer, state, time);
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static (NodeState State, ShareSealer Sealer, bool Upgraded) LoadOrInitialize(WriteContext context, NodeKey key, byte x, string path)
    {
        var storedX = StoreDatabase.ReadState(context, "x");
        if (storedX is null)
        {
            var sealer = new ShareSealer(key, x, SealingChain.Create());
            StoreDatabase.WriteState(context, "x", x.ToString(CultureInfo.InvariantCulture));
            StoreDatabase.WriteState(context, "epoch", "0");
            StoreDatabase.WriteState(context, "fleet_id", "");
            SealingState.WriteCurrent(context, sealer.CurrentWrapped());
            return (new NodeState(x, 0, ""), sealer, false);
        }
        if (byte.Parse(storedX, CultureInfo.InvariantCulture) is var stored && stored != x)
        {
            throw new NodeConfigurationException($"The database '{path}' belongs to ordinal {NodeIndex.OrdinalOf(stored)}, not {NodeIndex.OrdinalOf(x)}; give each node its own data directory.");
        }
        var epoch = ulong.Parse(StoreDatabase.ReadState(context, "epoch") ?? "0", CultureInfo.InvariantCulture);
        var state = new NodeState(x, epoch, StoreDatabase.ReadState(context, "fleet_id") ?? "",
            int.Parse(StoreDatabase.ReadState(context, "threshold") ?? "0", CultureInfo.InvariantCulture),
            int.Parse(StoreDatabase.ReadState(context, "nodes") ?? "0", CultureInfo.InvariantCulture));
        return StoreDatabase.ReadState(context, SealingState.Format) == SealingState.CurrentFormat
            ? (state, SealingState.Load(context, key, x, path), false)
            : (state, SealingUpgrade.Run(context, key, x, epoch, path), true);
    }

    /// <summary>Replaces the cached node state; called by the writer after a commit that changed it.</summary>
    public void Publish(NodeState state) => Volatile.Write(ref _state, state);

    public Task<PutResult> PutAsync(ShareWrite write, CancellationToken cancellationToken)
    {
        var key = SecretKeys.For(write.Name);
        return PutAsync(write, key, cancellationToken);
    }

    private Task<PutResult> PutAsync(ShareWrite write, byte[] key, CancellationToken cancellationToken) =>
        Database.Writes.RunAsync(context =>
        {
            var result = Freeze.RefusesStores() ? new PutResult(PutStatus.Frozen, State.Epoch) : Put(context, key, write);
            AuditPut(context, write, result.Status);
            return result;
        }, cancellationToken);

    private PutResult Put(WriteContext context, byte[] key, ShareWrite write)
    {
        var epoch = State.Epoch;
        var existing = ReadVersions(context.Cached(ValueTables.SelectVersions), key);
        if (existing.Any(row => row.Owner != write.Owner))
        {
            return new PutResult(PutStatus.OwnedByAnother, epoch);
        }
        var same = existing.FirstOrDefault(row => row.Version == write.Version);
        if (same is not null)
        {
            return new PutResult(SameContent(key, same, write) ? PutStatus.AlreadyStored : PutStatus.VersionConflict, same.Epoch);
        }
        if (write.CreateOnly && existing.Count > 0)
        {
            return new PutResult(PutStatus.NameTaken, epoch);
        }
        if (existing.Count > 0 && existing[0].Version > write.Version)
        {
            return new PutResult(PutStatus.NewerVersionExists, epoch);
        }
        InsertRow(context, key, write, epoch);
        // A second version is pruned by a later refresh commit, which finds it through touched_keys.
        if (TrackChanges || existing.Count > 0)
        {
            Touch(context, key);
        }
        var freeze = Freeze;
        if (freeze.RecordsStores())
        {
            var written = context.Cached("INSERT OR IGNORE INTO resharing_writes (key, version) VALUES (?1, ?2)");
            written.Bind(1, key);
            written.Bind(2, checked((long)write.Version));
            written.Execute();
        }
        // Keep the version this one replaces: if the overwrite fails on other nodes, the client
        // rolls back by deleting the new version and the old one is current again. Older ones go
        // (not while a resharing deals: the resharing's commit prunes them).
        if (existing.Count > 1 && !freeze.KeepsOlderVersions())
        {
            RemoveVersions(context, key, "version < $version", existing[0].Version);
        }
        return new PutResult(PutStatus.Stored, epoch);
    }

    /// <summary>
    /// Stores many new secrets in one transaction, in key order: the bulk path that seeds a node
    /// (the load tool's refresh and resharing benchmarks) instead of a Put each. Put by put, a
    /// million secrets land at random places of the B-trees and every group commit writes
    /// thousands of their pages again; in key order each page is written about once. Each write
    /// must be a new secret, and the node idle (no epoch change open); otherwise nothing is
    /// stored. Audited as Puts are, one row each.
    /// </summary>
    public Task<int> ImportAsync(IReadOnlyList<ShareWrite> writes, CancellationToken cancellationToken)
    {
        var keyed = writes.Select(write => (Key: SecretKeys.For(write.Name), Write: write)).ToArray();
        Array.Sort(keyed, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return Database.Writes.RunAsync(context =>
        {
            if (TrackChanges || Freeze != WriteFreeze.None)
            {
                throw new InvalidOperationException("An epoch change is open on this node; import when it has finished.");
            }
            var epoch = State.Epoch;
            foreach (var (key, write) in keyed)
            {
                try
                {
                    InsertRow(context, key, write, epoch);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
                {
                    throw new InvalidOperationException($"Secret '{write.Name}' is already stored on this node (or twice in the import); nothing was imported.");
                }
                AuditPut(context, write, PutStatus.Stored);
            }
            return keyed.Length;
        }, cancellationToken);
    }

    private void AuditPut(WriteContext context, ShareWrite write, PutStatus status) =>
        Audit(context, write.Owner, "put", $"{write.Name}@{write.Version}", status.ToString());

    private void InsertRow(WriteContext context, byte[] key, ShareWrite write, ulong epoch)
    {
        var insert = context.Cached("""
            INSERT INTO shares (key, version, name, owner, threshold, blocks, commitment, updated_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """);
        insert.Bind(1, key);
        insert.Bind(2, checked((long)write.Version));
        insert.Bind(3, write.Name);
        insert.Bind(4, write.Owner);
        insert.Bind(5, write.Threshold);
        insert.Bind(6, write.Share.Length / 16);
        insert.Bind(7, write.Commitment);
        insert.Bind(8, _time.GetUtcNow().ToUnixTimeMilliseconds());
        insert.Execute();
        var value = context.Cached($"INSERT INTO {ValueTables.Of(epoch)} (key, version, sealed) VALUES (?1, ?2, ?3)");
        value.Bind(1, key);
        value.Bind(2, checked((long)write.Version));
        value.Bind(3, Sealer.Seal(new ShareBinding(key, write.Version, write.Owner, write.Commitment, write.Threshold), epoch, write.Share));
        value.Execute();
    }

    private bool SameContent(byte[] key, VersionRow row, ShareWrite write)
    {
        if (row.Sealed is null)
        {
            return false;
        }
        var opened = new byte[ShareSealer.OpenedLength(row.Sealed.Length)];
        try
        {
            return opened.Length == write.Share.Length
                && Sealer.TryOpen(row.Binding(key), row.Epoch, row.Sealed, opened)
                && CryptographicOperations.FixedTimeEquals(opened, write.Share)
                && row.Commitment.AsSpan().SequenceEqual(write.Commitment)
                && row.Threshold == write.Threshold;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(opened);
        }
    }

    /// <summary>Reads a share. SQLite answers a point read in microseconds, so it runs on the caller's thread.</summary>
    public Task<ReadResult> GetAsync(string owner, string name, ulong version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = SecretKeys.For(name);
        ReadResult result;
        using (var session = Database.Readers.Rent())
        {
            result = Read(key, name, owner, version, ReadVersions(session.Cached(ValueTables.SelectVersions), key));
        }
        // Reads are audited too, in batches: the caller does not wait for that row to be durable.
        _readAudit.Add(new AuditEntry(_time.GetUtcNow().ToUnixTimeMilliseconds(), owner, "get", version == 0 ? name : $"{name}@{version}", result.Status.ToString()));
        return Task.FromResult(result);
    }

    private ReadResult Read(byte[] key, string name, string owner, ulong version, List<VersionRow> rows)
    {
        if (rows.Count == 0)
        {
            return ReadResult.Of(ReadStatus.NotFound);
        }
        if (rows.Any(row => row.Owner != owner))
        {
            return ReadResult.Of(ReadStatus.OwnedByAnother);
        }
        var row = version == 0 ? rows[0] : rows.FirstOrDefault(r => r.Version == version);
        if (row is null)
        {
            return ReadResult.Of(ReadStatus.NotFound);
        }
        if (row.Sealed is null)
        {
            return ReadResult.Of(ReadStatus.Unreadable);
        }
        var share = new byte[ShareSealer.OpenedLength(row.Sealed.Length)];
        if (!Sealer.TryOpen(row.Binding(key), row.Epoch, row.Sealed, share))
        {
            return ReadResult.Of(ReadStatus.Unreadable);
        }
        var older = rows.Where(r => r.Version < row.Version).Select(r => r.Version).ToArray();
        return new ReadResult(ReadStatus.Found, new StoredShare(name, row.Version, row.Epoch, share, row.Commitment, row.Threshold, older));
    }

    public Task<DeleteResult> DeleteAsync(string owner, string name, ulong version, CancellationToken cancellationToken)
    {
        var key = SecretKeys.For(name);
        return Database.Writes.RunAsync(context =>
        {
            var result = Freeze == WriteFreeze.All ? new DeleteResult(DeleteStatus.Frozen, 0) : Delete(context, key, owner, version);
            Audit(context, owner, "delete", version == 0 ? name : $"{name}@{version}", result.Status.ToString());
            return result;
        }, cancellationToken);
    }

    /// <summary>Enters a secret into touched_keys (see <see cref="TrackChanges"/>).</summary>
    public static void Touch(WriteContext context, byte[] key)
    {
        var touch = context.Cached("INSERT OR IGNORE INTO touched_keys (key) VALUES (?1)");
        touch.Bind(1, key);
        touch.Execute();
    }

    private DeleteResult Delete(WriteContext context, byte[] key, string owner, ulong version)
    {
        var rows = ReadVersions(context.Cached(ValueTables.SelectVersions), key);
        if (rows.Count == 0 || (version != 0 && rows.All(r => r.Version != version)))
        {
            return new DeleteResult(DeleteStatus.NotFound, 0);
        }
        if (rows.Any(row => row.Owner != owner))
        {
            return new DeleteResult(DeleteStatus.OwnedByAnother, 0);
        }
        var freeze = Freeze;
        if (freeze.DeletesOnlyWrittenDuring() && rows.Any(r => (version == 0 || r.Version == version) && !WrittenDuringResharing(context, key, r.Version)))
        {
            return new DeleteResult(DeleteStatus.Frozen, 0);
        }
        var filter = version == 0 ? "1 = 1" : "version = $version";
        var deleted = RemoveVersions(context, key, filter, version);
        if (freeze.DeletesLeaveSnapshot())
        {
            // A resharing has not agreed on this snapshot yet: what is deleted is not dealt. (The
            // snapshot has no key index, so this scans it; such deletes are few and brief.)
            RemoveRows(context, "snapshot", key, filter, version);
        }
        if (freeze.DeletesOnlyWrittenDuring())
        {
            RemoveRows(context, "resharing_writes", key, filter, version);
        }
        if (TrackChanges)
        {
            Touch(context, key);
        }
        return new DeleteResult(DeleteStatus.Deleted, deleted);
    }

    private static bool WrittenDuringResharing(WriteContext context, byte[] key, ulong version)
    {
        var select = context.Cached("SELECT 1 FROM resharing_writes WHERE key = ?1 AND version = ?2");
        select.Bind(1, key);
        select.Bind(2, checked((long)version));
        var found = select.Read();
        select.Reset();
        return found;
    }

    // Removes versions of a secret, metadata and values at every epoch (a staged next-epoch value too).
    private static int RemoveVersions(WriteContext context, byte[] key, string versionFilter, ulong version)
    {
        RemoveRows(context, "values_0", key, versionFilter, version);
        RemoveRows(context, "values_1", key, versionFilter, version);
        return RemoveRows(context, "shares", key, versionFilter, version);
    }

    private static int RemoveRows(WriteContext context, string table, byte[] key, string versionFilter, ulong version)
    {
        var delete = context.Prepared($"DELETE FROM {table} WHERE key = $key AND {versionFilter}");
        delete.Parameters.AddWithValue("$key", key);
        if (versionFilter.Contains("$version", StringComparison.Ordinal))
        {
            delete.Parameters.AddWithValue("$version", checked((long)version));
        }
        return delete.ExecuteNonQuery();
    }

    public Task<IReadOnlyList<SecretListing>> ListAsync(string owner, int pageSize, string after, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<SecretListing>>(() =>
        {
            using var connection = Database.OpenReader();
            using var command = connection.CreateCommand();
            // With one MAX() the other bare columns come from the newest version's row, and
            // grouping on the (owner, name) index streams: a page costs its own rows. (A window
            // function here sorted every remaining secret of the owner for each page.)
            command.CommandText = """
                SELECT name, MAX(version), (SELECT CAST(value AS INTEGER) FROM node_state WHERE name = 'epoch'), threshold, blocks, updated_ms
                FROM shares WHERE owner = $owner AND name > $after
                GROUP BY name ORDER BY name LIMIT $limit
                """;
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$after", after);
            command.Parameters.AddWithValue("$limit", pageSize);
            using var reader = command.ExecuteReader();
            var page = new List<SecretListing>();
            while (reader.Read())
            {
                page.Add(new SecretListing(reader.GetString(0), (ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt64(5)));
            }
            return page;
        }, cancellationToken);

    public Task<(long Secrets, long Rows)> CountAsync(CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = Database.OpenReader();
            using var command = connection.CreateCommand();
            // Grouping on the primary key's prefix walks shares in key order. COUNT(DISTINCT key)
            // built a temporary B-tree of every key instead, which spilled to a file in /var/tmp:
            // at a million secrets each count read and wrote gigabytes through the kernel, every
            // 10 s on every node, and took most of a refresh's growth beyond linear.
            command.CommandText = "SELECT COUNT(*), COALESCE(SUM(versions), 0) FROM (SELECT COUNT(*) AS versions FROM shares GROUP BY key)";
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    /// <summary>Makes this node a member of <paramref name="fleetId"/> (first formation only).</summary>
    public Task<NodeState> JoinAsync(string fleetId, ulong epoch, string identity, CancellationToken cancellationToken) =>
        Database.Writes.RunAsync(context =>
        {
            var state = State;
            if (state.IsMember && state.FleetId != fleetId)
            {
                throw new InvalidOperationException($"This node already belongs to fleet {state.FleetId}.");
            }
            if (state.Epoch != epoch)
            {
                throw new InvalidOperationException($"This node is at epoch {state.Epoch}, not {epoch}.");
            }
            StoreDatabase.WriteState(context, "fleet_id", fleetId);
            Audit(context, identity, "join", fleetId, "Joined");
            var joined = state with { FleetId = fleetId };
            Publish(joined);
            return joined;
        }, cancellationToken);

    /// <summary>
    /// An audit row written with the next batch of read-audit rows (within 100 ms), not in a
    /// transaction of its own: refused calls are audited this way, so a caller cannot turn
    /// refusals into a disk flush each.
    /// </summary>
    public void AuditLater(string identity, string operation, string subject, string outcome) =>
        _readAudit.Add(new AuditEntry(_time.GetUtcNow().ToUnixTimeMilliseconds(), identity, operation, subject, outcome));

    public void Audit(WriteContext context, string identity, string operation, string subject, string outcome) =>
        Audit(context, new AuditEntry(_time.GetUtcNow().ToUnixTimeMilliseconds(), identity, operation, subject, outcome));

    private static void Audit(WriteContext context, AuditEntry entry)
    {
        var insert = context.Cached("INSERT INTO audit (at_ms, identity, operation, subject, outcome) VALUES (?1, ?2, ?3, ?4, ?5)");
        insert.Bind(1, entry.AtUnixMs);
        insert.Bind(2, entry.Identity);
        insert.Bind(3, entry.Operation);
        insert.Bind(4, entry.Subject);
        insert.Bind(5, entry.Outcome);
        insert.Execute();
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, CancellationToken cancellationToken)
    {
        await _readAudit.FlushAsync().ConfigureAwait(false);
        return await Task.Run<IReadOnlyList<AuditEntry>>(() =>
        {
            using var connection = Database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT at_ms, identity, operation, subject, outcome FROM audit ORDER BY id DESC LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var entries = new List<AuditEntry>();
            while (reader.Read())
            {
                entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
            }
            return entries;
        }, cancellationToken).ConfigureAwait(false);
    }

    // The statement is a cached one (writer or pooled reader): it is reused, never disposed here.
    private static List<VersionRow> ReadVersions(RawStatement statement, byte[] key)
    {
        statement.Bind(1, key);
        var rows = new List<VersionRow>(2);
        while (statement.Read())
        {
            rows.Add(new VersionRow((ulong)statement.Int64(0), statement.Text(1), (ulong)statement.Int64(2), statement.IsNull(3) ? null : statement.Blob(3).ToArray(), statement.Blob(4).ToArray(), (int)statement.Int64(5)));
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await _readAudit.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
        Sealer.Dispose();
    }

    // Sealed is null when the current epoch's table has no value for the row (it never should).
    private sealed record VersionRow(ulong Version, string Owner, ulong Epoch, byte[]? Sealed, byte[] Commitment, int Threshold)
    {
        public ShareBinding Binding(byte[] key) => new(key, Version, Owner, Commitment, Threshold);
    }
}
