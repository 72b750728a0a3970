using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Copies committed WAL frames into the database on its own connection and thread, so the
/// writer seldom pays for a checkpoint while Puts wait behind it. It never blocks the writer
/// (PASSIVE). The writer's own automatic checkpoint stays as a backstop: under steady writes the
/// WAL is rarely fully copied at the instant a transaction starts, and only a fully copied WAL
/// is restarted from its beginning; the backstop then copies the few frames left.
/// </summary>
internal sealed class BackgroundCheckpointer : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private readonly SqliteConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public BackgroundCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "PRAGMA busy_timeout = 0";
            command.ExecuteNonQuery();
        }
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Period);
        using var checkpoint = _connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    checkpoint.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // Busy with another checkpoint (the writer's backstop, an erasure's TRUNCATE): next tick.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _connection.Dispose();
        _stop.Dispose();
    }
}
