using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Open reader connections that keep their prepared statements, for the hot point reads:
/// preparing a statement costs more than running it.
/// </summary>
internal sealed class ReaderPool(Func<SqliteConnection> open) : IDisposable
{
    private const int MaxIdle = 16;
    private readonly ConcurrentBag<Session> _idle = [];

    public Session Rent() => _idle.TryTake(out var session) ? session : new Session(this, open());

    private void Return(Session session)
    {
        if (_idle.Count < MaxIdle)
        {
            _idle.Add(session);
        }
        else
        {
            session.Close();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var session))
        {
            session.Close();
        }
    }

    /// <summary>One rented connection; dispose it to give it back.</summary>
    internal sealed class Session(ReaderPool pool, SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
        private readonly StatementCache _statements = new(connection);

        /// <summary>The statement for <paramref name="sql"/>, prepared once per connection, parameters cleared. Do not dispose it.</summary>
        public SqliteCommand Prepared(string sql)
        {
            if (!_prepared.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _prepared[sql] = command;
            }
            command.Parameters.Clear();
            return command;
        }

        /// <summary>A C API statement prepared once per connection, for the hot point reads. Do not dispose it.</summary>
        public RawStatement Cached(string sql) => _statements.Get(sql);

        public void Dispose() => pool.Return(this);

        internal void Close()
        {
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }
            _statements.Dispose();
            connection.Dispose();
        }
    }
}
