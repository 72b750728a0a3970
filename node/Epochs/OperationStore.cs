using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Storage;
using Refresh = SecretFleet.Core.Sharing.Refresh;

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

    /// <summary>Pending deltas (pairs this node lacked at Begin) are sealed under another epoch no share ever has.</summary>
    public const ulong PendingDeltaEpoch = ulong.MaxValue - 1;
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
    public Task<long> BeginAsync(OperationRecord record, string identity, CancellationToken cancellationToken)
    {
        // Before the snapshot is taken, so that every write after it is tracked.
        shares.TrackChanges = true;
        return shares.Database.Writes.RunAsync(context =>
        {
            ClearWorkTables(context);
            var joining = record.IsJoining(shares.State.X);
            // In this transaction, so that no write lands between the snapshot and the freeze. A
            // joining node takes no write at all: what it holds after commit comes from the dealers.
            shares.Freeze = !record.IsResharing ? WriteFreeze.None : joining ? WriteFreeze.All : WriteFreeze.Stores;
            long pairs = 0;
            if (record.Kind == OperationKind.Refresh || record.IsResharing)
            {
                // The new epoch's values are sealed under a fresh chain key; it becomes current at commit
                // (on a node leaving in a resharing it seals nothing: it overwrites the old key).
                SealingState.WriteNext(context, record.TargetEpoch, shares.Sealer.StartNext(record.TargetEpoch));
            }
            if (joining)
            {
                // A joining node holds no share of the fleet: it starts empty and stages its rows
                // straight into `shares` and its values into the target epoch's table, so commit
                // copies nothing (a million rows took 10 s of a resharing's commit). The owner index
                // is built once, at commit or abort: entry by entry in name order it costs more.
                context.Execute($"""
                    DELETE FROM shares; DELETE FROM values_0; DELETE FROM values_1; DELETE FROM touched_keys;
                    DROP INDEX IF EXISTS {StoreSchema.SharesByOwnerIndexName};
                    """);
            }
            if (record.IsDealer(shares.State.X))
            {
                // A dealer's own epoch is the operation's (checked at Begin); its idle table takes the stage.
                context.Execute($"DELETE FROM {ValueTables.NextTo(record.Epoch)}");
                using var snapshot = context.Command("INSERT INTO snapshot (key, version, blocks) SELECT key, version, blocks FROM shares ORDER BY key, version");
                pairs = snapshot.ExecuteNonQuery();
            }
            Write(context, record);
            shares.Audit(context, identity, $"{Describe(record.Kind)}-begin", record.Id, $"epoch {record.Epoch} -> {record.TargetEpoch}, {pairs} pairs");
            return pairs;
        }, cancellationToken);
    }

    /// <summary>
    /// Sets what a resharing takes from clients next (<see cref="WriteFreeze"/>), in a write
    /// transaction, so a write either landed before or is judged by the new rule.
    /// </summary>
    public Task FreezeWritesAsync(WriteFreeze freeze, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(_ =>
        {
            shares.Freeze = freeze;
            return 0;
        }, cancellationToken);

    /// <summary>
    /// Starts a resharing's catch-up round: stores are held again and, on a dealer, the snapshot
    /// becomes the pairs stored since the first one (resharing_writes), in (key, version) order.
    /// What the first round staged stays.
    /// </summary>
    public Task<long> BeginCatchUpAsync(OperationRecord record, string identity, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            shares.Freeze = record.IsJoining(shares.State.X) ? WriteFreeze.All : WriteFreeze.CatchingUp;
            long pairs = 0;
            if (record.IsDealer(shares.State.X))
            {
                ClearSnapshot(context);
                using var snapshot = context.Command("""
                    INSERT INTO snapshot (key, version, blocks)
                    SELECT s.key, s.version, s.blocks FROM resharing_writes w CROSS JOIN shares s ON s.key = w.key AND s.version = w.version
                    ORDER BY s.key, s.version
                    """);
                pairs = snapshot.ExecuteNonQuery();
            }
            Write(context, record);
            shares.Audit(context, identity, "resharing-catch-up", record.Id, $"{pairs} pairs stored during the resharing");
            return pairs;
        }, cancellationToken);

    /// <summary>Summarizes the snapshot by key bucket (after Begin; a resharing's snapshot loses deleted pairs until Verify).</summary>
    public Task<SnapshotSummary> SummarizeSnapshotAsync(CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = shares.Database.OpenReader();
            using var select = new RawStatement(connection, "SELECT seq, key, version, blocks FROM snapshot ORDER BY seq");
            using var summary = new SnapshotSummary.Builder();
            while (select.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                summary.Add(select.Int64(0), select.Blob(1), (ulong)select.Int64(2), (int)select.Int64(3));
            }
            return summary.Build();
        }, cancellationToken);

    /// <summary>Snapshot rows after <paramref name="afterSeq"/> up to <paramref name="lastSeq"/>, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<SnapshotPair>> ReadSnapshotRangeAsync(long afterSeq, long lastSeq, int limit, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<SnapshotPair>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            return ReadSnapshot(connection, afterSeq, limit, int.MaxValue, lastSeq);
        }, cancellationToken);

    /// <summary>Snapshot pairs with this node's current value (null once deleted), in snapshot order.</summary>
    public Task<IReadOnlyList<OwnShare>> ReadOwnSharesAsync(long afterSeq, int count, ulong epoch, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<OwnShare>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            // One read transaction: the pairs, rows and values come from one state of the file.
            using var read = connection.BeginTransaction(deferred: true);
            var pairs = ReadSnapshot(connection, afterSeq, count, int.MaxValue);
            // Only what the seal binds: this runs for every share in a refresh.
            var bindings = new ShareBinding?[pairs.Count];
            SnapshotRangeJoin.Match(connection, "SELECT key, version, owner, commitment, threshold FROM shares WHERE key >= ?1 AND key <= ?2 ORDER BY key, version",
                pairs, (i, row) => bindings[i] = new ShareBinding(pairs[i].Key, pairs[i].Version, row.Text(2), row.Blob(3).ToArray(), (int)row.Int64(4)));
            var values = MatchValues(connection, ValueTables.Of(epoch), pairs);
            return [.. pairs.Select((p, i) => bindings[i] is { } binding && values[i] is { } value
                ? new OwnShare(p.Seq, p.Key, p.Version, p.Blocks, epoch, value, binding)
                : new OwnShare(p.Seq, p.Key, p.Version, p.Blocks, epoch, null, null))];
        }, cancellationToken);

    /// <summary>
    /// Snapshot pairs with what each is and this node's current share of it, in snapshot order: a
    /// resharing deals the share itself. <paramref name="dense"/>: the snapshot is of the whole
    /// table (the first round), so a range join beats a seek per pair (<see cref="SnapshotRangeJoin"/>);
    /// the catch-up's few pairs spread over the key space, and seek.
    /// </summary>
    public Task<IReadOnlyList<HeldPair>> ReadHeldAsync(long afterSeq, int count, ulong epoch, bool dense, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<HeldPair>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            using var read = connection.BeginTransaction(deferred: true);
            if (dense)
            {
                var pairs = ReadSnapshot(connection, afterSeq, count, int.MaxValue);
                var rows = MatchRows(connection, pairs);
                var values = MatchValues(connection, ValueTables.Of(epoch), pairs);
                return [.. pairs.Select((p, i) => rows[i] is { } row && values[i] is { } value
                    ? new HeldPair(p.Seq, p.Key, p.Version, p.Blocks, row.Owner, row.Name, row.Commitment, row.Threshold, row.UpdatedUnixMs, value)
                    : new HeldPair(p.Seq, p.Key, p.Version, p.Blocks, "", "", [], 0, 0, null))];
            }
            using var select = new RawStatement(connection, $"""
                SELECT s.seq, s.key, s.version, s.blocks, m.owner, m.name, m.commitment, m.threshold, m.updated_ms, v.sealed
                FROM snapshot s
                LEFT JOIN shares m ON m.key = s.key AND m.version = s.version
                LEFT JOIN {ValueTables.Of(epoch)} v ON v.key = s.key AND v.version = s.version
                WHERE s.seq > ?1 ORDER BY s.seq LIMIT ?2
                """);
            select.Bind(1, afterSeq);
            select.Bind(2, count);
            var held = new List<HeldPair>(count);
            while (select.Read())
            {
                var holds = !select.IsNull(4) && !select.IsNull(9);
                held.Add(new HeldPair(select.Int64(0), select.Blob(1).ToArray(), (ulong)select.Int64(2), (int)select.Int64(3),
                    holds ? select.Text(4) : "", holds ? select.Text(5) : "", holds ? select.Blob(6).ToArray() : [], holds ? (int)select.Int64(7) : 0,
                    holds ? select.Int64(8) : 0, holds ? select.Blob(9).ToArray() : null));
            }
            return held;
        }, cancellationToken);

    /// <summary>
    /// Stages values into the idle table (appended in key order); commit drops those of pairs
    /// deleted meanwhile. <paramref name="unstaged"/> are snapshot pairs this node keeps unchanged
    /// (deleted meanwhile, or unreadable here): the commit carries them. <paramref name="pending"/>
    /// are sealed sums of deltas for pairs this node did not hold (see pending_deltas).
    /// </summary>
    public Task<int> StageAsync(IReadOnlyList<(byte[] Key, ulong Version, byte[] Sealed)> staged, IReadOnlyList<byte[]> unstaged,
        IReadOnlyList<(byte[] Key, ulong Version, byte[] Sealed)> pending, ulong epoch, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            foreach (var key in unstaged)
            {
                ShareStore.Touch(context, key);
            }
            foreach (var (key, _, _) in pending)
            {
                ShareStore.Touch(context, key);
            }
            InsertValues(context, "pending_deltas", pending);
            return InsertValues(context, ValueTables.NextTo(epoch), staged);
        }, cancellationToken);

    /// <summary>
    /// A recovery helper's staged masked values after a sequence number, up to maxBlocks blocks: a
    /// batch ends before the pair that would take it past them, and holds at least one pair unless
    /// none is left. Pairs it did not stage (deleted meanwhile) are skipped.
    /// </summary>
    public Task<IReadOnlyList<MaskedPair>> ReadMaskedAsync(long afterSeq, int maxBlocks, ulong epoch, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<MaskedPair>>(() =>
        {
            using var connection = shares.Database.OpenReader();
            using var read = connection.BeginTransaction(deferred: true);
            var batch = new List<MaskedPair>();
            var blocks = 0L;
            while (batch.Count == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pairs = ReadSnapshot(connection, afterSeq, Math.Max(1, maxBlocks), maxBlocks);
                if (pairs.Count == 0)
                {
                    break;
                }
                var rows = MatchRows(connection, pairs);
                var staged = MatchValues(connection, ValueTables.NextTo(epoch), pairs);
                for (var i = 0; i < pairs.Count; i++)
                {
                    if (rows[i] is not { } row || staged[i] is not { } value)
                    {
                        continue;
                    }
                    if (batch.Count > 0 && blocks + row.Blocks > maxBlocks)
                    {
                        break;
                    }
                    batch.Add(new MaskedPair(pairs[i].Seq, pairs[i].Key, pairs[i].Version, row.Owner, row.Name, row.Blocks, row.Commitment, row.Threshold, row.UpdatedUnixMs, value));
                    blocks += row.Blocks;
                }
                afterSeq = pairs[^1].Seq;
            }
            return batch;
        }, cancellationToken);

    // Snapshot rows after a sequence number (up to lastSeq) in snapshot order: at most `limit`, and
    // no more than `maxBlocks` blocks unless the first pair alone has more.
    private static List<SnapshotPair> ReadSnapshot(SqliteConnection connection, long afterSeq, int limit, int maxBlocks, long lastSeq = long.MaxValue)
    {
        using var select = new RawStatement(connection, "SELECT seq, key, version, blocks FROM snapshot WHERE seq > ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3");
        select.Bind(1, afterSeq);
        select.Bind(2, lastSeq);
        select.Bind(3, limit);
        var pairs = new List<SnapshotPair>(Math.Min(limit, 4096));
        var blocks = 0L;
        while (select.Read())
        {
            var pairBlocks = (int)select.Int64(3);
            if (pairs.Count > 0 && blocks + pairBlocks > maxBlocks)
            {
                break;
            }
            pairs.Add(new SnapshotPair(select.Int64(0), select.Blob(1).ToArray(), (ulong)select.Int64(2), pairBlocks));
            blocks += pairBlocks;
        }
        select.Reset();
        return pairs;
    }

    // This node's row for each pair, null where it has none.
    private static ShareRow?[] MatchRows(SqliteConnection connection, List<SnapshotPair> pairs)
    {
        var rows = new ShareRow?[pairs.Count];
        SnapshotRangeJoin.Match(connection, "SELECT key, version, owner, name, commitment, threshold, updated_ms, blocks FROM shares WHERE key >= ?1 AND key <= ?2 ORDER BY key, version",
            pairs, (i, row) => rows[i] = new ShareRow(row.Text(2), row.Text(3), row.Blob(4).ToArray(), (int)row.Int64(5), row.Int64(6), (int)row.Int64(7)));
        return rows;
    }

    // The sealed value in `table` for each pair, null where it has none.
    private static byte[]?[] MatchValues(SqliteConnection connection, string table, List<SnapshotPair> pairs)
    {
        var values = new byte[]?[pairs.Count];
        SnapshotRangeJoin.Match(connection, $"SELECT key, version, sealed FROM {table} WHERE key >= ?1 AND key <= ?2 ORDER BY key, version",
            pairs, (i, row) => values[i] = row.Blob(2).ToArray());
        return values;
    }

    /// <summary>What a `shares` row says a pair is.</summary>
    private sealed record ShareRow(string Owner, string Name, byte[] Commitment, int Threshold, long UpdatedUnixMs, int Blocks);

    /// <summary>
    /// What this node's rows say the given pairs (in (key, version) order) are: one range scan of
    /// `shares` merged with them, not a lookup per pair. Every pair must have a row here.
    /// </summary>
    public Task<IReadOnlyList<PairDescription>> DescribeAsync(IReadOnlyList<SnapshotEntry> entries, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<PairDescription>>(() =>
        {
            var described = new List<PairDescription>(entries.Count);
            if (entries.Count == 0)
            {
                return described;
            }
            using var connection = shares.Database.OpenReader();
            using var select = new RawStatement(connection, "SELECT key, version, owner, name, commitment, updated_ms FROM shares WHERE key >= ?1 AND key <= ?2 ORDER BY key, version");
            select.Bind(1, entries[0].Key);
            select.Bind(2, entries[^1].Key);
            var next = 0;
            while (next < entries.Count && select.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = entries[next];
                if (select.Blob(0).SequenceEqual(entry.Key) && (ulong)select.Int64(1) == entry.Version)
                {
                    described.Add(new PairDescription(select.Text(2), select.Text(3), select.Blob(4).ToArray(), select.Int64(5)));
                    next++;
                }
            }
            select.Reset();
            return next == entries.Count
                ? described
                : throw new OperationRejectedException(OperationRejection.FailedPrecondition,
                    "This node has no row for a pair it reshares to itself; rebuild its shares with a recovery, then reshare.");
        }, cancellationToken);

    /// <summary>
    /// Stages a resharing receiver's new shares straight into the target epoch's value table (the
    /// idle one), as a refresh stages. A node of the old committee already has every pair's row in
    /// `shares` (its snapshot is the agreed one); a node joining the fleet, emptied at Begin, stages
    /// the rows there too. Commit then only rewrites thresholds, or builds the owner index.
    /// </summary>
    public Task StageResharedAsync(IReadOnlyList<RecoveredShare> staged, bool joining, bool catchUp, ulong targetEpoch, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            InsertValues(context, ValueTables.Of(targetEpoch), [.. staged.Select(s => (s.Key, s.Version, s.Sealed))]);
            if (joining)
            {
                InsertRows(context, "shares", staged, withValues: false);
            }
            if (catchUp)
            {
                // Maybe a newer version than one the first round dealt: commit prunes the older one.
                foreach (var share in staged)
                {
                    ShareStore.Touch(context, share.Key);
                }
            }
            return 0;
        }, cancellationToken);

    public Task StoreRecoveredAsync(IReadOnlyList<RecoveredShare> recovered, CancellationToken cancellationToken) =>
        shares.Database.Writes.RunAsync(context =>
        {
            InsertRows(context, "recovered", recovered, withValues: true);
            return 0;
        }, cancellationToken);

    // Rows into `shares`, or with their sealed values into `recovered` (withValues).
    private static void InsertRows(WriteContext context, string table, IReadOnlyList<RecoveredShare> rows, bool withValues)
    {
        using var insert = context.Raw($"""
            INSERT OR REPLACE INTO {table} (key, version, name, owner, threshold, blocks, commitment, updated_ms{(withValues ? ", sealed" : "")})
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8{(withValues ? ", ?9" : "")})
            """);
        foreach (var share in rows)
        {
            insert.Bind(1, share.Key);
            insert.Bind(2, checked((long)share.Version));
            insert.Bind(3, share.Name);
            insert.Bind(4, share.Owner);
            insert.Bind(5, share.Threshold);
            insert.Bind(6, share.Blocks);
            insert.Bind(7, share.Commitment);
            insert.Bind(8, share.UpdatedUnixMs);
            if (withValues)
            {
                insert.Bind(9, share.Sealed);
            }
            insert.Execute();
        }
    }

    /// <summary>
    /// Commits the operation in one transaction. A refresh drops versions older than a refreshed
    /// one, carries the pairs it did not refresh (written during it, or not dealt by every dealer)
    /// into the new epoch's table unchanged but re-sealed, drops staged values of pairs deleted
    /// meanwhile, then clears the old epoch's table wholesale. A recovery target adopts its
    /// rebuilt shares and membership; helpers drop their masked values. Then the WAL is
    /// truncated so no erased bytes linger in any file.
    /// Not cancellable, like <see cref="AbortAsync"/>: a decision is applied whole or not at all,
    /// so what this node holds in memory never falls behind what its files say.
    /// </summary>
    public async Task<NodeState> CommitAsync(OperationRecord record, string identity, StepTimer steps)
    {
        var state = await shares.Database.Writes.RunAsync(context =>
        {
            steps.Lap("queued");
            var current = shares.State;
            var next = current;
            // Refresh and recovery say how many nodes the fleet has (0: not said; keep what was known).
            var fleetNodes = record.FleetNodes > 0 ? record.FleetNodes : current.Nodes;
            if (record.IsResharing)
            {
                if (record.IsDealer(current.X) && current.Epoch != record.Epoch)
                {
                    throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Operation {record.Id} reshares epoch {record.Epoch}, but this node is at epoch {current.Epoch}; it cannot commit here.");
                }
                var stays = !record.IsDeparting(current.X);
                CommitResharing(context, record, stays, record.IsDealer(current.X), steps);
                SealingState.PromoteNext(context);
                next = current with
                {
                    Epoch = record.TargetEpoch, FleetId = stays ? record.FleetId : "",
                    Threshold = stays ? record.NewThreshold : 0, Nodes = stays ? record.Receivers.Count : 0,
                };
                StoreDatabase.WriteState(context, "threshold", next.Threshold.ToString(CultureInfo.InvariantCulture));
            }
            else if (record.Kind == OperationKind.Refresh)
            {
                // Committing twice would clear the new epoch's table as if it were the old one.
                if (current.Epoch != record.Epoch)
                {
                    throw new OperationRejectedException(OperationRejection.FailedPrecondition, $"Operation {record.Id} refreshes epoch {record.Epoch}, but this node is at epoch {current.Epoch}; it cannot commit here.");
                }
                CommitRefresh(context, current.Epoch, steps);
                SealingState.PromoteNext(context);
                next = current with { Epoch = record.TargetEpoch, Nodes = fleetNodes };
            }
            else if (record.IsRecoveryTarget(current.X))
            {
                AdoptRecovered(context, current.Epoch, record.TargetEpoch);
                steps.Lap("adopt rebuilt shares");
                // The helpers' threshold is the fleet's, whatever this node was started with.
                next = current with { Epoch = record.TargetEpoch, FleetId = record.FleetId, Threshold = record.Threshold, Nodes = fleetNodes };
                StoreDatabase.WriteState(context, "threshold", next.Threshold.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                context.Execute($"DELETE FROM {ValueTables.NextTo(current.Epoch)}");
                // A recovery helper: the fleet may have grown by the node it rebuilt.
                next = current with { Nodes = fleetNodes };
            }
            // Writes made for another fleet size are refused from here on (SharesService).
            StoreDatabase.WriteState(context, "nodes", next.Nodes.ToString(CultureInfo.InvariantCulture));
            ClearWorkTables(context);
            steps.Lap("clear snapshot");
            StoreDatabase.WriteState(context, "epoch", next.Epoch.ToString(CultureInfo.InvariantCulture));
            StoreDatabase.WriteState(context, "fleet_id", next.FleetId);
            Write(context, record with { Phase = OperationPhase.Committed });
            shares.Audit(context, identity, $"{Describe(record.Kind)}-commit", record.Id, $"epoch {next.Epoch}");
            shares.Publish(next);
            return next;
        }, CancellationToken.None).ConfigureAwait(false);
        steps.Lap("transaction commit");
        shares.TrackChanges = false;
        shares.Freeze = WriteFreeze.None;
        if (record.Kind == OperationKind.Refresh || record.IsResharing)
        {
            shares.Sealer.AdoptNext();
        }
        await shares.Database.SettleErasureAsync(CancellationToken.None).ConfigureAwait(false);
        // Readers that started before the commit could still ask for the old epoch until now.
        shares.Sealer.ForgetPrevious();
        steps.Lap("checkpoint");
        return state;
    }

    // Every pair the commit must keep but the operation did not stage has its key in
    // touched_keys: pairs written after this node's snapshot (TrackChanges was on), snapshot pairs
    // the receiver left unstaged (StageAsync), and secrets with an older version to prune (Put).
    // So prune, sweep and carry visit only those keys; clearing the old table is the only step
    // that still touches every share, and it must (that is the erasure).
    private void CommitRefresh(WriteContext context, ulong epoch, StepTimer steps)
    {
        var old = ValueTables.Of(epoch);
        var fresh = ValueTables.NextTo(epoch);
        // A version older than a refreshed one is gone everywhere (the newer one is on every node).
        context.Execute($"""
            DELETE FROM shares
            WHERE key IN (SELECT key FROM touched_keys)
              AND EXISTS (SELECT 1 FROM {fresh} newer CROSS JOIN shares current ON current.key = newer.key AND current.version = newer.version
                          WHERE newer.key = shares.key AND newer.version > shares.version)
            """);
        steps.Lap("prune");
        // Staged values of pairs deleted (or pruned) meanwhile.
        context.Execute($"""
            DELETE FROM {fresh}
            WHERE key IN (SELECT key FROM touched_keys)
              AND NOT EXISTS (SELECT 1 FROM shares m WHERE m.key = {fresh}.key AND m.version = {fresh}.version)
            """);
        steps.Lap("sweep");
        // Pairs written here during the refresh that other nodes held at their Begin: refreshed with
        // what the dealers dealt this node for them, as the other nodes' shares were.
        var pending = ApplyPending(context, $"""
            SELECT o.key, o.version, o.sealed, m.owner, m.commitment, m.threshold, p.sealed FROM pending_deltas p
            CROSS JOIN {old} o ON o.key = p.key AND o.version = p.version
            CROSS JOIN shares m ON m.key = o.key AND m.version = o.version
            WHERE NOT EXISTS (SELECT 1 FROM {fresh} f WHERE f.key = o.key AND f.version = o.version)
            """, epoch);
        InsertValues(context, fresh, pending);
        steps.Lap($"pending {pending.Count}");
        // Pairs not refreshed keep their value into the new epoch, sealed under its key.
        var carried = ReadValues(context, $"""
            SELECT o.key, o.version, o.sealed, m.owner, m.commitment, m.threshold FROM touched_keys t
            CROSS JOIN {old} o ON o.key = t.key
            CROSS JOIN shares m ON m.key = o.key AND m.version = o.version
            WHERE NOT EXISTS (SELECT 1 FROM {fresh} f WHERE f.key = o.key AND f.version = o.version)
            """);
        InsertResealed(context, fresh, carried, epoch, epoch + 1);
        steps.Lap($"carry {carried.Count}");
        // Keys still holding two versions (the newer one written during the refresh) stay for the next commit.
        context.Execute("DELETE FROM touched_keys WHERE (SELECT COUNT(*) FROM shares s WHERE s.key = touched_keys.key) < 2");
        context.Execute($"DELETE FROM {old}");
        steps.Lap("clear old epoch");
    }

    // A resharing replaces what this node holds. The new shares are staged in the target epoch's
    // value table (StageResharedAsync); the other value table, the old epoch's, goes wholesale under
    // secure_delete, as in a refresh (that is the erasure). A node that stays from the old committee
    // keeps its rows, which describe exactly the reshared pairs (its snapshot was the agreed one, the
    // catch-up dealt every pair stored after it, and deletes of snapshot pairs were held), with the
    // new threshold; a joining node takes the rows it staged; a node that leaves keeps nothing.
    private static void CommitResharing(WriteContext context, OperationRecord record, bool stays, bool wasDealer, StepTimer steps)
    {
        var target = ValueTables.Of(record.TargetEpoch);
        context.Execute($"DELETE FROM {ValueTables.NextTo(record.TargetEpoch)}");
        if (!stays)
        {
            context.Execute($"DELETE FROM {target}; DELETE FROM shares; DELETE FROM touched_keys");
            steps.Lap("erase old committee");
            return;
        }
        steps.Lap("erase old committee");
        if (wasDealer)
        {
            using var threshold = context.Raw("UPDATE shares SET threshold = ?1 WHERE threshold <> ?1");
            threshold.Bind(1, record.NewThreshold);
            threshold.Execute();
        }
        else
        {
            // A joining node staged its rows into `shares` (BeginAsync).
            BuildOwnerIndex(context);
        }
        steps.Lap(wasDealer ? "new threshold" : "owner index");
        // A secret stored again during the resharing had both versions dealt, and the newer one is
        // on every new node (every dealer held it), so the older one goes, as after a refresh.
        context.Execute($"""
            DELETE FROM shares WHERE key IN (SELECT key FROM touched_keys)
              AND version < (SELECT MAX(v.version) FROM {target} v WHERE v.key = shares.key);
            DELETE FROM {target} WHERE key IN (SELECT key FROM touched_keys)
              AND version < (SELECT MAX(v.version) FROM {target} v WHERE v.key = {target}.key);
            DELETE FROM touched_keys;
            """);
        steps.Lap("prune");
        // Rows and values pair up by construction (every receiver staged every pair of the agreed
        // snapshot). Counting is cheap; only when the counts differ are lone values and rows searched
        // for and dropped (a lone row would be unreadable, a lone value unreachable); at a million
        // shares the searches cost seconds.
        using var paired = context.Command($"SELECT (SELECT COUNT(*) FROM shares) = (SELECT COUNT(*) FROM {target})");
        if (Convert.ToInt64(paired.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            context.Execute($"DELETE FROM {target} WHERE NOT EXISTS (SELECT 1 FROM shares m WHERE m.key = {target}.key AND m.version = {target}.version)");
            context.Execute($"DELETE FROM shares WHERE NOT EXISTS (SELECT 1 FROM {target} v WHERE v.key = shares.key AND v.version = shares.version)");
        }
        steps.Lap("adopt new shares");
    }

    // The target may hold shares written by clients while it was not yet a member, sealed under
    // its own (older) epoch: they move into the fleet epoch's table, then the rebuilt shares join.
    private void AdoptRecovered(WriteContext context, ulong ownEpoch, ulong fleetEpoch)
    {
        var own = ReadValues(context, $"""
            SELECT v.key, v.version, v.sealed, m.owner, m.commitment, m.threshold
            FROM {ValueTables.Of(ownEpoch)} v JOIN shares m ON m.key = v.key AND m.version = v.version
            """);
        context.Execute("DELETE FROM values_0; DELETE FROM values_1");
        InsertResealed(context, ValueTables.Of(fleetEpoch), own, ownEpoch, fleetEpoch);
        CopyRecoveredRows(context);
        context.Execute($"INSERT OR IGNORE INTO {ValueTables.Of(fleetEpoch)} (key, version, sealed) SELECT key, version, sealed FROM recovered");
    }

    // The rows a rebuilt node staged become its shares; a row it holds already stays.
    // The owner index is built once after the rows are in rather than entry by entry in name order:
    // at a million rows that was 13 s of a resharing's commit.
    private static void CopyRecoveredRows(WriteContext context)
    {
        context.Execute($"DROP INDEX IF EXISTS {StoreSchema.SharesByOwnerIndexName}");
        context.Execute("""
            INSERT OR IGNORE INTO shares (key, version, name, owner, threshold, blocks, commitment, updated_ms)
            SELECT key, version, name, owner, threshold, blocks, commitment, updated_ms FROM recovered
            """);
        BuildOwnerIndex(context);
    }

    // Building the index sorts every row; a second sorter thread takes part of that while the
    // node's other work waits on this commit (on an idle machine, 1M rows: 1.7 s against 2.1 s).
    private static void BuildOwnerIndex(WriteContext context)
    {
        context.Execute("PRAGMA threads = 2");
        try
        {
            context.Execute(StoreSchema.SharesByOwnerIndex);
        }
        finally
        {
            context.Execute("PRAGMA threads = 0");
        }
    }

    // Rows of (key, version, sealed value, sealed delta): value + delta, sealed for the next epoch.
    // A pair whose value and delta differ in length (a client stored it with other lengths on
    // other nodes) is left to the carry step, unchanged.
    private List<(byte[] Key, ulong Version, byte[] Sealed)> ApplyPending(WriteContext context, string select, ulong epoch)
    {
        var refreshed = new List<(byte[] Key, ulong Version, byte[] Sealed)>();
        using var command = context.Command(select);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = SealedRow.Read(reader);
            var sealedDelta = (byte[])reader[6];
            var value = new byte[ShareSealer.OpenedLength(row.Sealed.Length)];
            var delta = new byte[ShareSealer.OpenedLength(sealedDelta.Length)];
            try
            {
                if (value.Length == delta.Length
                    && shares.Sealer.TryOpen(row.Binding, epoch, row.Sealed, value)
                    && shares.Sealer.TryOpen(ShareBinding.ForDelta(row.Binding.Key, row.Binding.Version), PendingDeltaEpoch, sealedDelta, delta))
                {
                    Refresh.AddInto(value, delta);
                    refreshed.Add((row.Binding.Key, row.Binding.Version, shares.Sealer.Seal(row.Binding, epoch + 1, value)));
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(value);
                CryptographicOperations.ZeroMemory(delta);
            }
        }
        return refreshed;
    }

    private void InsertResealed(WriteContext context, string table, List<SealedRow> rows, ulong fromEpoch, ulong toEpoch)
    {
        var resealed = new List<(byte[] Key, ulong Version, byte[] Sealed)>(rows.Count);
        foreach (var row in rows)
        {
            var value = new byte[ShareSealer.OpenedLength(row.Sealed.Length)];
            // A tampered row cannot be re-sealed: it stays unreadable (clients name this node).
            resealed.Add((row.Binding.Key, row.Binding.Version, shares.Sealer.TryOpen(row.Binding, fromEpoch, row.Sealed, value)
                ? shares.Sealer.Seal(row.Binding, toEpoch, value)
                : row.Sealed));
            CryptographicOperations.ZeroMemory(value);
        }
        InsertValues(context, table, resealed);
    }

    // Rows of (key, version, sealed, owner, commitment, threshold).
    private static List<SealedRow> ReadValues(WriteContext context, string select)
    {
        var rows = new List<SealedRow>();
        using var command = context.Command(select);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(SealedRow.Read(reader));
        }
        return rows;
    }

    /// <summary>A sealed value with what it is bound to, read from (key, version, sealed, owner, commitment, threshold) columns.</summary>
    private sealed record SealedRow(ShareBinding Binding, byte[] Sealed)
    {
        public static SealedRow Read(Microsoft.Data.Sqlite.SqliteDataReader reader)
        {
            var (key, version) = ((byte[])reader[0], (ulong)reader.GetInt64(1));
            return new SealedRow(new ShareBinding(key, version, reader.GetString(3), (byte[])reader[4], reader.GetInt32(5)), (byte[])reader[2]);
        }
    }

    // One statement, bound by position per row: staging writes every share of the node.
    private static int InsertValues(WriteContext context, string table, IReadOnlyList<(byte[] Key, ulong Version, byte[] Sealed)> rows)
    {
        using var insert = context.Raw($"INSERT OR REPLACE INTO {table} (key, version, sealed) VALUES (?1, ?2, ?3)");
        var count = 0;
        foreach (var (key, version, sealedValue) in rows)
        {
            insert.Bind(1, key);
            insert.Bind(2, checked((long)version));
            insert.Bind(3, sealedValue);
            count += insert.Execute();
        }
        return count;
    }

    /// <summary>Aborts the operation: staged values, the next sealing key and the work tables go; not cancellable, as a commit is not.</summary>
    public async Task AbortAsync(OperationRecord record, string identity, string reason)
    {
        await shares.Database.Writes.RunAsync(context =>
        {
            if (record.IsDealer(shares.State.X))
            {
                context.Execute($"DELETE FROM {ValueTables.NextTo(shares.State.Epoch)}");
            }
            else if (record.IsJoining(shares.State.X))
            {
                // It held nothing before Begin emptied it.
                context.Execute($"DELETE FROM {ValueTables.Of(record.TargetEpoch)}; DELETE FROM shares; DELETE FROM touched_keys");
                context.Execute(StoreSchema.SharesByOwnerIndex);
            }
            SealingState.DropNext(context);
            ClearWorkTables(context);
            Write(context, record with { Phase = OperationPhase.Aborted, Failure = reason });
            shares.Audit(context, identity, $"{Describe(record.Kind)}-abort", record.Id, reason);
            return 0;
        }, CancellationToken.None).ConfigureAwait(false);
        shares.TrackChanges = false;
        shares.Freeze = WriteFreeze.None;
        shares.Sealer.DiscardNext();
        await shares.Database.SettleErasureAsync(CancellationToken.None).ConfigureAwait(false);
    }

    // The snapshot holds only secret keys, versions and block counts, no share material: its pages
    // are freed without secure_delete's zeroing, which at a million pairs is 40 MB written twice.
    // The recovered table holds sealed shares and is zeroed as usual.
    private static void ClearWorkTables(WriteContext context)
    {
        ClearSnapshot(context);
        context.Execute("DELETE FROM recovered");
        context.Execute("DELETE FROM pending_deltas");
        context.Execute("DELETE FROM resharing_writes");
    }

    private static void ClearSnapshot(WriteContext context)
    {
        context.Execute("PRAGMA secure_delete = OFF");
        try
        {
            context.Execute("DELETE FROM snapshot");
        }
        finally
        {
            context.Execute("PRAGMA secure_delete = ON");
        }
    }

    private static OperationRecord? Read(WriteContext context)
    {
        var json = StoreDatabase.ReadState(context, RecordState);
        return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<OperationRecord>(json);
    }

    private static void Write(WriteContext context, OperationRecord record) =>
        StoreDatabase.WriteState(context, RecordState, JsonSerializer.Serialize(record));

    public static string Describe(OperationKind kind) => kind.Name();
}
