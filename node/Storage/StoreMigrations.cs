using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Upgrades a node database written by an older node, in one transaction: either the whole
/// upgrade lands or the file is left exactly as it was.
/// </summary>
internal static class StoreMigrations
{
    /// <summary>
    /// Schema 1 kept each share's sealed value (and its epoch) in the shares row and an operation's
    /// new values in a separate staged table. Schema 2 keeps values in per-epoch-parity tables,
    /// so a commit erases the old epoch by clearing one table.
    /// </summary>
    public static void UpgradeFrom1(SqliteConnection connection, string path)
    {
        if (OperationInFlight(connection))
        {
            throw new NodeConfigurationException(
                $"The database '{path}' is in the middle of a refresh or recovery written by an older node; let that node finish or abort it, then start this one.");
        }
        var epoch = ulong.Parse(ReadState(connection, "epoch") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        using var transaction = connection.BeginTransaction();
        var stale = Scalar(connection, transaction, $"SELECT count(*) FROM shares WHERE epoch <> {epoch}");
        if (stale != 0)
        {
            throw new NodeConfigurationException(
                $"The database '{path}' holds {stale} shares outside its current epoch {epoch}; it cannot be upgraded, rebuild this node with share recovery.");
        }
        Execute(connection, transaction, $"""
            CREATE TABLE values_0 (key BLOB NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (key, version)) WITHOUT ROWID;
            CREATE TABLE values_1 (key BLOB NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (key, version)) WITHOUT ROWID;
            INSERT INTO {ValueTables.Of(epoch)} (key, version, sealed) SELECT key, version, sealed FROM shares ORDER BY key, version;
            CREATE TABLE shares_2 (
                key BLOB NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL,
                threshold INTEGER NOT NULL, blocks INTEGER NOT NULL, commitment BLOB NOT NULL, updated_ms INTEGER NOT NULL,
                PRIMARY KEY (key, version)) WITHOUT ROWID;
            INSERT INTO shares_2 SELECT key, version, name, owner, threshold, blocks, commitment, updated_ms FROM shares ORDER BY key, version;
            DROP INDEX IF EXISTS shares_by_owner;
            DROP TABLE shares;
            ALTER TABLE shares_2 RENAME TO shares;
            DROP TABLE IF EXISTS staged;
            PRAGMA user_version = 2;
            """);
        transaction.Commit();
    }

    /// <summary>
    /// Schema 3 adds touched_keys. A commit now looks only at those keys, so the upgrade enters
    /// every key that schema 2 would have found by scanning: all of them when an operation is
    /// open (its writes were not tracked), otherwise those holding more than one version.
    /// </summary>
    public static void UpgradeFrom2(SqliteConnection connection)
    {
        var inFlight = OperationInFlight(connection);
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"""
            CREATE TABLE touched_keys (key BLOB PRIMARY KEY) WITHOUT ROWID;
            INSERT INTO touched_keys (key) SELECT key FROM shares GROUP BY key {(inFlight ? "" : "HAVING COUNT(*) > 1")};
            PRAGMA user_version = 3;
            """);
        transaction.Commit();
    }

    private static bool OperationInFlight(SqliteConnection connection)
    {
        var json = ReadState(connection, "operation");
        return !string.IsNullOrEmpty(json) && JsonSerializer.Deserialize<Epochs.OperationRecord>(json) is { IsFinished: false };
    }

    private static string? ReadState(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM node_state WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
