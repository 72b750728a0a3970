using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SecretFleet.Node.Storage;

/// <summary>
/// A statement driven through SQLite's C API, for the loops that touch every share in a refresh
/// and (cached, see <see cref="StatementCache"/>) the per-request statements of Put, Get and
/// audit. Microsoft.Data.Sqlite binds parameters by name and builds a reader per execution, which
/// costs about twice the CPU of the insert itself (docs/benchmarks.md); here parameters bind by
/// position and a blob column is read as a span. Used on a connection the caller owns, inside
/// its transaction.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Readies the statement for a new run, even one left mid-rows by an exception, and clears its bindings.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public void Bind(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_statement, index, blob));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string text) => Check(raw.sqlite3_bind_text(_statement, index, text));

    /// <summary>Runs a statement that returns no rows, then readies it for the next run.</summary>
    public int Execute()
    {
        var result = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Moves to the next row; false once there are no more (the statement is then reset).</summary>
    public bool Read()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
        return false;
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>The blob in a column of the current row; valid until the next step.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }
}
