using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

namespace SecretFleet.Load;

/// <summary>
/// What one durable Put costs a node without any RPC: the node's own <see cref="ShareStore"/>
/// under concurrent Puts (group commit as in production), next to the floor of SQLite itself, one
/// row per Put (key and sealed value only) in transactions of a fixed size on the C API. CPU per
/// Put is this process's CPU time over the Puts; nothing else runs in it.
/// </summary>
internal static class StoreFloorBenchmark
{
    public static async Task<string> RunAsync(int concurrency, TimeSpan duration)
    {
        var text = new StringBuilder();
        text.AppendLine("| what | Puts/s | CPU µs per Put |");
        text.AppendLine("|---|---:|---:|");
        var (perSecond, micros) = await NodeStoreAsync(concurrency, duration);
        text.AppendLine(FormattableString.Invariant($"| node ShareStore, {concurrency} concurrent Puts | {perSecond:F0} | {micros:F1} |"));
        foreach (var batch in new[] { 8, 128 })
        {
            (perSecond, micros) = OneRowPerPut(batch, duration);
            text.AppendLine(FormattableString.Invariant($"| SQLite, one row per Put, {batch} per transaction | {perSecond:F0} | {micros:F1} |"));
        }
        return text.ToString();
    }

    private static async Task<(double PerSecond, double CpuMicros)> NodeStoreAsync(int concurrency, TimeSpan duration)
    {
        using var directory = new TempDirectory();
        await using var store = await ShareStore.OpenAsync(directory.Path, NodeKey.FromBytes(RandomNumberGenerator.GetBytes(NodeKey.KeyBytes)), 1, TimeProvider.System, CancellationToken.None);
        long sequence = 0;
        return await MeasureAsync(duration, stopAt => Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            long done = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var name = $"floor-{Interlocked.Increment(ref sequence)}";
                await store.PutAsync(new ShareWrite("spiffe://load.local/client/load", name, 1, RandomNumberGenerator.GetBytes(48), SHA256.HashData(Encoding.UTF8.GetBytes(name)), 3, true), default);
                done++;
            }
            return done;
        }))).ContinueWith(t => t.Result.Sum(), TaskScheduler.Default));
    }

    // synchronous=FULL in WAL mode, as the node; no index, no metadata, no audit, no version check.
    private static (double PerSecond, double CpuMicros) OneRowPerPut(int batch, TimeSpan duration)
    {
        using var directory = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "floor.db")};Pooling=false");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA cache_size = -65536;
                CREATE TABLE shares (key BLOB NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (key, version)) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
        }
        using var begin = new RawStatement(connection, "BEGIN IMMEDIATE");
        using var insert = new RawStatement(connection, "INSERT INTO shares VALUES (?1, 1, ?2)");
        using var commit = new RawStatement(connection, "COMMIT");
        var sealedValue = new byte[80];
        return MeasureAsync(duration, stopAt =>
        {
            long done = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                begin.Execute();
                for (var i = 0; i < batch; i++, done++)
                {
                    insert.Bind(1, RandomNumberGenerator.GetBytes(32));
                    insert.Bind(2, sealedValue);
                    insert.Execute();
                }
                commit.Execute();
            }
            return Task.FromResult(done);
        }).GetAwaiter().GetResult();
    }

    private static async Task<(double PerSecond, double CpuMicros)> MeasureAsync(TimeSpan duration, Func<long, Task<long>> run)
    {
        var cpu = ProcessStats.CpuSeconds(Environment.ProcessId);
        var started = Stopwatch.GetTimestamp();
        var puts = await run(started + (long)(duration.TotalSeconds * Stopwatch.Frequency)).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (puts / seconds, (ProcessStats.CpuSeconds(Environment.ProcessId) - cpu) * 1e6 / Math.Max(1, puts));
    }
}
