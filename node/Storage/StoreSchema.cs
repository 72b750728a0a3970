namespace SecretFleet.Node.Storage;

/// <summary>The node database's tables. Versions are upgraded in place through <c>PRAGMA user_version</c>.</summary>
internal static class StoreSchema
{
    public const int Version = 1;

    // shares: one row per (secret, version). WITHOUT ROWID keeps rows in (key, version) order,
    // the order every node deals and receives in during a refresh.
    // staged: an operation's new values, keyed like shares and appended in that order: the value
    // for the target epoch (refresh) or a masked value for a recovery target (helpers), sealed
    // like `sealed`. Kept apart so shares rows never grow mid-operation, and commit overwrites
    // each sealed value in place with one of the same size.
    public const string Create = """
        CREATE TABLE IF NOT EXISTS node_state (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS shares (
            key        BLOB    NOT NULL,
            version    INTEGER NOT NULL,
            name       TEXT    NOT NULL,
            owner      TEXT    NOT NULL,
            epoch      INTEGER NOT NULL,
            threshold  INTEGER NOT NULL,
            blocks     INTEGER NOT NULL,
            commitment BLOB    NOT NULL,
            sealed     BLOB    NOT NULL,
            updated_ms INTEGER NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS shares_by_owner ON shares (owner, name);

        CREATE TABLE IF NOT EXISTS staged (
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            sealed  BLOB    NOT NULL,
            PRIMARY KEY (key, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS snapshot (
            seq     INTEGER PRIMARY KEY,
            key     BLOB    NOT NULL,
            version INTEGER NOT NULL,
            blocks  INTEGER NOT NULL
        );

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
