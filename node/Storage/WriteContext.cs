using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>The writer connection and its open transaction, handed to one queued write.</summary>
internal sealed class WriteContext(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, SqliteCommand> prepared, StatementCache statements)
{
    /// <summary>
    /// A statement prepared once for the writer connection and reused (parameters cleared): the
    /// hot writes skip SQL parsing. The caller must not dispose it.
    /// </summary>
    public SqliteCommand Prepared(string sql)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            prepared[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>A C API statement prepared once for the writer connection, for per-request writes. Do not dispose it.</summary>
    public RawStatement Cached(string sql) => statements.Get(sql);

    public SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>A statement on the C API, for loops over many rows (see <see cref="RawStatement"/>); dispose it.</summary>
    public RawStatement Raw(string sql) => new(connection, sql);

    public void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }
}
