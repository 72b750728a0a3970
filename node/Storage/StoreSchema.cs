namespace SecretFleet.Node.Storage;

/// <summary>The node database's tables. Versions are upgraded in place through <c>PRAGMA user_version</c>.</summary>
internal static class StoreSchema
{
    public const int Version = 3;

    // shares: one row per (secret, version), metadata only. WITHOUT ROWID keeps rows in
    // (key, version) order, the order every node deals and receives in during a refresh.
    // values_0 / values_1: the sealed share values, one table per epoch parity. Epoch e's values
    // live in values_(e % 2); a refresh appends epoch e+1's values to the other table, and commit
    // clears the old one wholesale (secure_delete zeroes the freed pages). No row is ever
    // rewritten in place, and nothing of an old epoch survives in a live page.
    // touched_keys: the secrets a refresh commit must look at beyond the staged values (see
    // ShareStore.TrackChanges): written or deleted while an operation was open, left unstaged by
    // it, or holding more than one version. The commit's work is proportional to these, not to
    // every share.
    // pending_deltas: during a refresh, the sum of what the dealers dealt this node for pairs of
    // the agreed snapshot it did not hold at Begin (sealed). A write of such a pair that arrives
    // during the refresh (it reached other nodes before their Begin) is refreshed with it at commit,
    // like the other nodes' shares of it. Cleared at commit and abort.
    // resharing_writes: the pairs stored while a resharing dealt its snapshot (WriteFreeze.Dealing),
    // which its catch-up round deals; a delete then is accepted only for these. Cleared at Begin,
    // commit and abort. Added without a version bump: CREATE IF NOT EXISTS runs at every open.
    /// <summary>Lists an owner's secrets by name. A bulk load drops it and builds it again after (CommitResharing).</summary>
    public const string SharesByOwnerIndex = $"CREATE INDEX IF NOT EXISTS {SharesByOwnerIndexName} ON shares (owner, name)";

    public const string SharesByOwnerIndexName = "shares_by_owner";

    public const string Create = $"""
        CREATE TABLE IF NOT EXISTS node_state (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS shares (
            key        BLOB    NOT NULL,
            version    INTEGER NOT NULL,
            name       TEXT    NOT NULL,
            owner      TEXT    NOT NULL,
            threshold  INTEGER NOT NULL,
            blocks     INTEGER NOT NULL,
            commitment BLOB    NOT NULL,
            updated_ms INTEGER NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;
        {SharesByOwnerIndex};

        CREATE TABLE IF NOT EXISTS values_0 (
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            sealed  BLOB    NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS values_1 (
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            sealed  BLOB    NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS touched_keys (
            key BLOB PRIMARY KEY
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS snapshot (
            seq     INTEGER PRIMARY KEY,
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            blocks  INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS resharing_writes (
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS pending_deltas (
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            sealed  BLOB    NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS recovered (
            key        BLOB    NOT NULL,
            version    INTEGER NOT NULL,
            name       TEXT    NOT NULL,
            owner      TEXT    NOT NULL,
            threshold  INTEGER NOT NULL,
            blocks     INTEGER NOT NULL,
            commitment BLOB    NOT NULL,
            sealed     BLOB    NOT NULL,
            updated_ms INTEGER NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS audit (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ms     INTEGER NOT NULL,
            identity  TEXT    NOT NULL,
            operation TEXT    NOT NULL,
            subject   TEXT    NOT NULL,
            outcome   TEXT    NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS audit_is_append_only_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_is_append_only_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
        """;
}
