using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>
/// The node's SQLite file: WAL mode, FULL sync (a write is on disk before it is acknowledged),
/// secure_delete (freed pages are zeroed, so erased shares leave no bytes behind), one
/// group-committing writer with a 64 MB page cache (an epoch commit touches every row; with
/// SQLite's 2 MB default it re-read pages and took minutes for a million) and pooled readers.
/// Checkpoints run beside the writer (<see cref="BackgroundCheckpointer"/>); the writer's own
/// automatic checkpoint is a backstop at 4,000 frames, a WAL of at most about 16 MB in steady
/// use (alternating store runs: p99 at concurrency 16 fell from 20.7 ms to 18 ms; docs/benchmarks.md).
/// </summary>
internal sealed class StoreDatabase : IAsyncDisposable
{
    public const string FileName = "shares.db";
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;
    private readonly BackgroundCheckpointer _checkpointer;

    private StoreDatabase(string path, SqliteConnection writer, string readConnectionString)
    {
        Path = path;
        _writer = writer;
        _readConnectionString = readConnectionString;
        Writes = new WriteQueue(writer);
        Readers = new ReaderPool(OpenReader);
        _checkpointer = new BackgroundCheckpointer(new SqliteConnectionStringBuilder(readConnectionString) { Pooling = false }.ToString());
    }

    /// <summary>Reader connections with prepared statements, for hot point reads.</summary>
    public ReaderPool Readers { get; }

    public string Path { get; }

    public WriteQueue Writes { get; }

    public static StoreDatabase Open(string dataDirectory)
    {
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        try
        {
            CreatePrivate(dataDirectory, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeConfigurationException($"Cannot create the data directory '{dataDirectory}' or its database ({e.Message}); pass a writable --data-dir.");
        }
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var writer = new SqliteConnection(builder.ToString());
        try
        {
            writer.Open();
            Execute(writer, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA secure_delete = ON;
                PRAGMA busy_timeout = 10000;
                PRAGMA foreign_keys = ON;
                PRAGMA cache_size = -65536;
                PRAGMA wal_autocheckpoint = 4000;
                PRAGMA journal_size_limit = 67108864;
                """);
            var version = Convert.ToInt32(Scalar(writer, "PRAGMA user_version"), CultureInfo.InvariantCulture);
            if (version > StoreSchema.Version)
            {
                throw new NodeConfigurationException($"The database '{path}' has schema {version}, newer than this node's {StoreSchema.Version}; run a newer node.");
            }
            if (version == 1)
            {
                StoreMigrations.UpgradeFrom1(writer, path);
                version = 2;
            }
            if (version == 2)
            {
                StoreMigrations.UpgradeFrom2(writer);
            }
            Execute(writer, StoreSchema.Create);
            Execute(writer, $"PRAGMA user_version = {StoreSchema.Version}");
        }
        catch (SqliteException e)
        {
            writer.Dispose();
            throw new NodeConfigurationException($"Cannot open the share database '{path}' ({e.Message}); check the data directory.");
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        var readers = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = true, DefaultTimeout = 30 };
        return new StoreDatabase(path, writer, readers.ToString());
    }

    /// <summary>
    /// Only the node's user may open its share files: a new data directory is made 0700 and the
    /// database file 0600 before SQLite opens it (SQLite gives -wal and -shm the database file's
    /// mode). Files an older node created with the umask's 0644 are set to 0600. An existing
    /// directory keeps its mode: on Kubernetes it is a volume's root, which the platform owns.
    /// </summary>
    private static void CreatePrivate(string dataDirectory, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
            return;
        }
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Directory.CreateDirectory(dataDirectory, OwnerOnly | UnixFileMode.UserExecute);
        if (!File.Exists(path))
        {
            // An empty file is a new database to SQLite.
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
            return;
        }
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file) && File.GetUnixFileMode(file) != OwnerOnly)
            {
                File.SetUnixFileMode(file, OwnerOnly);
            }
        }
    }

    /// <summary>A pooled connection for reads; WAL lets readers run beside the writer.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    public static string? ReadState(WriteContext context, string name)
    {
        using var command = context.Command("SELECT value FROM node_state WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    public static void WriteState(WriteContext context, string name, string value)
    {
        using var command = context.Command("INSERT INTO node_state (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Copies the WAL into the database and truncates it to zero bytes, so page images holding
    /// erased shares linger neither in the -wal file nor, as not-yet-overwritten older page
    /// versions, in the database file. Readers can keep a checkpoint from finishing; it is
    /// retried until <paramref name="patience"/> runs out. Returns whether it finished.
    /// </summary>
    public async Task<bool> CheckpointTruncateAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + patience;
        while (true)
        {
            var (busy, log, checkpointed) = await Task.Run(() =>
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_readConnectionString) { Pooling = false }.ToString());
                connection.Open();
                Execute(connection, "PRAGMA busy_timeout = 2000");
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                using var reader = command.ExecuteReader();
                reader.Read();
                return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            }, cancellationToken).ConfigureAwait(false);
            if (busy == 0)
            {
                return true;
            }
            if (DateTime.UtcNow >= giveUp)
            {
                LastCheckpointProblem = $"busy (log {log} frames, {checkpointed} checkpointed)";
                return false;
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Why the last checkpoint did not finish, for the log.</summary>
    public string? LastCheckpointProblem { get; private set; }

    /// <summary>True while erased shares may still sit in the files: a checkpoint after an erasure has not finished yet.</summary>
    public bool ErasurePending => Volatile.Read(ref _erasurePending);

    private bool _erasurePending;

    /// <summary>
    /// After rows were erased (a whole epoch's value table cleared; secure_delete zeroed its pages):
    /// checkpoint until the WAL holds no page image of them either. If readers keep the
    /// checkpoint from finishing, the erasure stays pending and <see cref="RetryPendingErasureAsync"/>
    /// (called periodically) finishes it.
    /// </summary>
    public async Task SettleErasureAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _erasurePending, true);
        await RetryPendingErasureAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    public async Task RetryPendingErasureAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (ErasurePending && await CheckpointTruncateAsync(patience, cancellationToken).ConfigureAwait(false))
        {
            Volatile.Write(ref _erasurePending, false);
        }
    }

    public long FileBytes()
    {
        long total = 0;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var file = new FileInfo(Path + suffix);
            if (file.Exists)
            {
                total += file.Length;
            }
        }
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        await Writes.DisposeAsync().ConfigureAwait(false);
        Readers.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_readConnectionString));
        _writer.Dispose();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
