using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>The writer connection and its open transaction, handed to one queued write.</summary>
internal sealed class WriteContext(SqliteConnection connection, SqliteTransaction transaction)
{
    public SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }
}
