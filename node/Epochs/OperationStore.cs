using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// The database side of refresh and recovery: the operation record, the snapshot of pairs a
/// dealer deals for, staged values, and the commit that makes the target epoch current and
/// erases the old one (or the abort that drops the stage).
/// </summary>
internal sealed class OperationStore(ShareStore shares)
{
    /// <summary>Masked recovery values are sealed under an epoch no share ever has, so they can never pass for one.</summary>
    public const ulong MaskedValueEpoch = ulong.MaxValue;
    private const string RecordState = "operation";
    private const int RowsPerWrite = 2048;

    public ShareStore Shares => shares;

    public Task<OperationRecord?> LoadAsync(CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context => Read(context), cancellationToken);

    public Task SaveAsync(OperationRecord record, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            Write(context, record);
            return 0;
        }, cancellationToken);

    /// <summary>Records the operation and, for a dealer, snapshots the pairs it will deal for, in (key, version) order.</summary>
    public Task<long> BeginAsync(OperationRecord record, string identity, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            context.Execute("DELETE FROM snapshot; DELETE FROM recovered; DELETE FROM staged");
            long pairs = 0;
            if (record.IsDealer(shares.State.X))
            {
                using var snapshot = context.Command("INSERT INTO snapshot (key, version, blocks) SELECT key, version, blocks FROM shares ORDER BY key, version");
                pairs = snapshot.ExecuteNonQuery();
            }
            Write(context, record);
            shares.Audit(context, identity, $"{Describe(record.Kind)}-begin", record.Id, $"epoch {record.Epoch} -> {record.TargetEpoch}, {pairs} pairs");
            return pairs;
        }, cancellationToken);

    public Task<IReadOnlyList<SnapshotPair>> ReadSnapshotAsync(long afterSeq, int maxBlocks, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<SnapshotPair>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, key, version, blocks FROM snapshot WHERE seq > $after ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", Math.Max(1, maxBlocks));
            using var reader = command.ExecuteReader();
            return TakeWithin(reader, maxBlocks, r => new SnapshotPair(r.GetInt64(0), (byte[])r[1], (ulong)r.GetInt64(2), r.GetInt32(3)), p => p.Blocks);
        }, cancellationToken);

    public Task<IReadOnlyList<OwnShare>> ReadOwnSharesAsync(long afterSeq, int count, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<OwnShare>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT s.seq, s.key, s.version, s.blocks, sh.epoch, sh.sealed
                FROM snapshot s LEFT JOIN shares sh ON sh.key = s.key AND sh.version = s.version
                WHERE s.seq > $after ORDER BY s.seq LIMIT $limit
                """;
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", count);
            using var reader = command.ExecuteReader();
            var rows = new List<OwnShare>(count);
            while (reader.Read())
            {
                var deleted = reader.IsDBNull(5);
                rows.Add(new OwnShare(reader.GetInt64(0), (byte[])reader[1], (ulong)reader.GetInt64(2), reader.GetInt32(3),
                    deleted ? 0 : (ulong)reader.GetInt64(4), deleted ? null : (byte[])reader[5]));
            }
            return rows;
        }, cancellationToken);

    /// <summary>Stages values (appended in key order); commit applies them to the pairs that still exist, so a delete during the operation wins.</summary>
    public Task<int> StageAsync(IReadOnlyList<(byte[] Key, ulong Version, byte[] Sealed)> staged, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            using var command = context.Command("INSERT OR REPLACE INTO staged (key, version, sealed) VALUES ($key, $version, $staged)");
            var stagedParameter = command.Parameters.Add("$staged", SqliteType.Blob);
            var keyParameter = command.Parameters.Add("$key", SqliteType.Blob);
            var versionParameter = command.Parameters.Add("$version", SqliteType.Integer);
            var count = 0;
            foreach (var (key, version, sealedValue) in staged)
            {
                stagedParameter.Value = sealedValue;
                keyParameter.Value = key;
                versionParameter.Value = checked((long)version);
                count += command.ExecuteNonQuery();
            }
            return count;
        }, cancellationToken);

    public Task<IReadOnlyList<MaskedPair>> ReadMaskedAsync(long afterSeq, int maxBlocks, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<MaskedPair>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT s.seq, sh.key, sh.version, sh.owner, sh.name, sh.blocks, sh.commitment, sh.threshold, sh.updated_ms, st.sealed
                FROM snapshot s
                JOIN shares sh ON sh.key = s.key AND sh.version = s.version
                JOIN staged st ON st.key = s.key AND st.version = s.version
                WHERE s.seq > $after ORDER BY s.seq LIMIT $limit
                """;
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", Math.Max(1, maxBlocks));
            using var reader = command.ExecuteReader();
            return TakeWithin(reader, maxBlocks, r => new MaskedPair(r.GetInt64(0), (byte[])r[1], (ulong)r.GetInt64(2), r.GetString(3), r.GetString(4),
                r.GetInt32(5), (byte[])r[6], r.GetInt32(7), r.GetInt64(8), (byte[])r[9]), p => p.Blocks);
        }, cancellationToken);

    public Task StoreRecoveredAsync(IReadOnlyList<RecoveredShare> recovered, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            using var command = context.Command("""
                INSERT OR REPLACE INTO recovered (key, version, name, owner, threshold, blocks, commitment, sealed, updated_ms)
                VALUES ($key, $version, $name, $owner, $threshold, $blocks, $commitment, $sealed, $updated)
                """);
            foreach (var share in recovered)
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$key", share.Key);
                command.Parameters.AddWithValue("$version", checked((long)share.Version));
                command.Parameters.AddWithValue("$name", share.Name);
                command.Parameters.AddWithValue("$owner", share.Owner);
                command.Parameters.AddWithValue("$threshold", share.Threshold);
                command.Parameters.AddWithValue("$blocks", share.Blocks);
                command.Parameters.AddWithValue("$commitment", share.Commitment);
                command.Parameters.AddWithValue("$sealed", share.Sealed);
                command.Parameters.AddWithValue("$updated", share.UpdatedUnixMs);
                command.ExecuteNonQuery();
            }
            return 0;
        }, cancellationToken);

    /// <summary>
    /// Commits the operation in one transaction: a refresh makes staged values current at the
    /// target epoch, carries rows written during it into that epoch unchanged and prunes
    /// versions older than a refreshed one; a recovery target takes its rebuilt shares and
    /// membership; recovery helpers drop their masked values. Then truncates the WAL so no
    /// erased bytes linger in any file.
    /// </summary>
    public async Task<NodeState> CommitAsync(OperationRecord record, string identity, CancellationToken cancellationToken)
    {
        var state = await shares.Database.Writes.RunAsync(context =>
        {
            var current = shares.State;
            var next = current;
            if (record.Kind == OperationKind.Refresh)
            {
                context.Execute("""
                    DELETE FROM shares
                    WHERE key IN (SELECT key FROM shares GROUP BY key HAVING COUNT(*) > 1)
                      AND EXISTS (SELECT 1 FROM staged newer WHERE newer.key = shares.key AND newer.version > shares.version)
                    """);
                Promote(context, record.TargetEpoch);
                next = current with { Epoch = record.TargetEpoch };
            }
            else if (record.IsRecoveryTarget(current.X))
            {
                using var adopt = context.Command("""
                    INSERT OR IGNORE INTO shares (key, version, name, owner, epoch, threshold, blocks, commitment, sealed, updated_ms)
                    SELECT key, version, name, owner, $target, threshold, blocks, commitment, sealed, updated_ms FROM recovered
                    """);
                adopt.Parameters.AddWithValue("$target", checked((long)record.TargetEpoch));
                adopt.ExecuteNonQuery();
                next = current with { Epoch = record.TargetEpoch, FleetId = record.FleetId };
            }
            ResealIntoEpoch(context, next.Epoch);
            context.Execute("DELETE FROM snapshot; DELETE FROM recovered; DELETE FROM staged");
            StoreDatabase.WriteState(context, "epoch", next.Epoch.ToString(CultureInfo.InvariantCulture));
            StoreDatabase.WriteState(context, "fleet_id", next.FleetId);
            Write(context, record with { Phase = OperationPhase.Committed });
            shares.Audit(context, identity, $"{Describe(record.Kind)}-commit", record.Id, $"epoch {next.Epoch}");
            shares.Publish(next);
            return next;
        }, cancellationToken).ConfigureAwait(false);
        shares.Sealer.ForgetBefore(state.Epoch);
        await shares.Database.SettleErasureAsync(cancellationToken).ConfigureAwait(false);
        return state;
    }

    public async Task AbortAsync(OperationRecord record, string identity, string reason, CancellationToken cancellationToken)
    {
        await shares.Database.Writes.RunAsync(context =>
        {
            context.Execute("DELETE FROM staged; DELETE FROM snapshot; DELETE FROM recovered");
            Write(context, record with { Phase = OperationPhase.Aborted, Failure = reason });
            shares.Audit(context, identity, $"{Describe(record.Kind)}-abort", record.Id, reason);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        await shares.Database.SettleErasureAsync(cancellationToken).ConfigureAwait(false);
    }

    // Row by row in key order with one prepared statement: SQLite's UPDATE … FROM materializes
    // the whole join first and was ten times slower. Pairs deleted meanwhile match nothing.
    private static void Promote(WriteContext context, ulong targetEpoch)
    {
        using var staged = context.Command("SELECT key, version, sealed FROM staged ORDER BY key, version");
        using var update = context.Command("UPDATE shares SET sealed = $sealed, epoch = $epoch WHERE key = $key AND version = $version");
        var sealedParameter = update.Parameters.Add("$sealed", SqliteType.Blob);
        update.Parameters.AddWithValue("$epoch", checked((long)targetEpoch));
        var keyParameter = update.Parameters.Add("$key", SqliteType.Blob);
        var versionParameter = update.Parameters.Add("$version", SqliteType.Integer);
        using var reader = staged.ExecuteReader();
        while (reader.Read())
        {
            keyParameter.Value = reader[0];
            versionParameter.Value = reader.GetInt64(1);
            sealedParameter.Value = reader[2];
            update.ExecuteNonQuery();
        }
    }

    // Rows not at the new epoch (written during the refresh, or by clients while a recovery target
    // was not yet a member) hold values that are already right for it: re-seal them under its key.
    private void ResealIntoEpoch(WriteContext context, ulong toEpoch)
    {
        var stale = new List<(byte[] Key, ulong Version, ulong Epoch, byte[] Sealed)>();
        using (var select = context.Command("SELECT key, version, epoch, sealed FROM shares WHERE epoch != $epoch"))
        {
            select.Parameters.AddWithValue("$epoch", checked((long)toEpoch));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                stale.Add(((byte[])reader[0], (ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), (byte[])reader[3]));
            }
        }
        if (stale.Count == 0)
        {
            return;
        }
        using var update = context.Command("UPDATE shares SET sealed = $sealed, epoch = $epoch WHERE key = $key AND version = $version");
        foreach (var (key, version, epoch, sealedValue) in stale)
        {
            var value = new byte[ShareSealer.OpenedLength(sealedValue.Length)];
            if (!shares.Sealer.TryOpen(key, version, epoch, sealedValue, value))
            {
                // A tampered row stays unreadable where it is; clients name this node when they meet it.
                continue;
            }
            update.Parameters.Clear();
            update.Parameters.AddWithValue("$sealed", shares.Sealer.Seal(key, version, toEpoch, value));
            update.Parameters.AddWithValue("$epoch", checked((long)toEpoch));
            update.Parameters.AddWithValue("$key", key);
            update.Parameters.AddWithValue("$version", checked((long)version));
            update.ExecuteNonQuery();
            CryptographicOperations.ZeroMemory(value);
        }
    }

    // A batch ends before the pair that would take it past maxBlocks; it always holds at least one pair.
    private static List<T> TakeWithin<T>(SqliteDataReader reader, int maxBlocks, Func<SqliteDataReader, T> read, Func<T, int> blocksOf)
    {
        var taken = new List<T>();
        var blocks = 0;
        while (reader.Read())
        {
            var item = read(reader);
            if (taken.Count > 0 && blocks + blocksOf(item) > maxBlocks)
            {
                break;
            }
            taken.Add(item);
            blocks += blocksOf(item);
        }
        return taken;
    }

    private static OperationRecord? Read(WriteContext context)
    {
        var json = StoreDatabase.ReadState(context, RecordState);
        return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<OperationRecord>(json);
    }

    private static void Write(WriteContext context, OperationRecord record) =>
        StoreDatabase.WriteState(context, RecordState, JsonSerializer.Serialize(record));

    public static string Describe(OperationKind kind) => kind == OperationKind.Recovery ? "recovery" : "refresh";
}
