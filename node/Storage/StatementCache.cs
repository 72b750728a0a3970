using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>
/// C API statements prepared once per connection and reused, for the per-request statements of
/// Put, Get and audit: through Microsoft.Data.Sqlite each costs several µs of binding by name
/// and reader set-up (docs/benchmarks.md). Owned by one connection's user at a time.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, RawStatement> _statements = new(StringComparer.Ordinal);

    /// <summary>The statement for <paramref name="sql"/>, reset with no bindings. Do not dispose it.</summary>
    public RawStatement Get(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(connection, sql);
            _statements[sql] = statement;
        }
        statement.Reset();
        return statement;
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }
        _statements.Clear();
    }
}
