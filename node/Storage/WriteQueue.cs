using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Group commit: one writer connection runs every write, and the writes queued while a
/// commit is in flight share the next transaction (one fsync for many Puts). Each write runs
/// in its own savepoint, so a failing write rolls back alone.
/// A transaction costs far more than a write in it (the WAL append and fsync take ~300 µs of
/// CPU here, a Put ~25 µs), so before starting one the writer waits briefly for writes that
/// callers announced (<see cref="Announce"/>) and are about to queue. A lone writer never waits.
/// </summary>
internal sealed class WriteQueue : IAsyncDisposable
{
    private const int MaxWritesPerTransaction = 512;
    private static readonly TimeSpan MaxGather = TimeSpan.FromMilliseconds(1);
    private int _announced;
    private readonly SqliteConnection _connection;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly StatementCache _statements;

    public WriteQueue(SqliteConnection connection)
    {
        _connection = connection;
        _statements = new StatementCache(connection);
        // A thread of its own: the loop blocks in SQLite and fsync for milliseconds at a time,
        // which would hold a pool thread, and queued behind request work on the pool its wake-up
        // after each commit would wait (alternating store runs: p99 16.2-17.1 ms against 16.6-19.1).
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Says a write is on its way (request received, not queued yet); dispose once it is queued.</summary>
    public Announcement Announce()
    {
        Interlocked.Increment(ref _announced);
        return new Announcement(this);
    }

    public Task<T> RunAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken) =>
        Enqueue(new PendingWrite<T>(work, cancellationToken));

    private Task<T> Enqueue<T>(PendingWrite<T> pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            throw _loop.IsFaulted || _queue.Reader.Completion.IsFaulted
                ? new IOException("The share store's writer stopped; restart the node.")
                : new ObjectDisposedException(nameof(WriteQueue), "The share store is closed.");
        }
        return pending.Task;
    }

    // If the loop itself ever fails (a bug, not a write's error), every waiting and later write
    // fails with that cause instead of waiting forever for a writer that is gone.
    private void Run()
    {
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            var stopped = new IOException("The share store's writer stopped; restart the node.", e);
            _queue.Writer.TryComplete(stopped);
            while (_queue.Reader.TryRead(out var orphan))
            {
                orphan.Fail(stopped);
            }
        }
    }

    private void Loop()
    {
        var batch = new List<PendingWrite>(MaxWritesPerTransaction);
        while (WaitForWrites())
        {
            batch.Clear();
            var gather = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _announced) > 0 && Stopwatch.GetElapsedTime(gather) < MaxGather)
            {
                Thread.Yield();
            }
            while (batch.Count < MaxWritesPerTransaction && _queue.Reader.TryRead(out var write))
            {
                if (!write.IsCancelled)
                {
                    batch.Add(write);
                }
            }
            if (batch.Count > 0)
            {
                RunBatch(batch);
            }
        }
    }

    // Blocks on a kernel event: Task.Wait would spin first, burning CPU the nodes share every
    // time the queue runs dry.
    private bool WaitForWrites()
    {
        var ready = _queue.Reader.WaitToReadAsync();
        if (!ready.IsCompleted)
        {
            using var task = ready.AsTask();
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            return task.GetAwaiter().GetResult();
        }
        return ready.GetAwaiter().GetResult();
    }

    private void RunBatch(List<PendingWrite> batch)
    {
        SqliteTransaction? transaction = null;
        try
        {
            transaction = _connection.BeginTransaction(deferred: false);
            var context = new WriteContext(_connection, transaction, _prepared, _statements);
            foreach (var write in batch)
            {
                context.Cached("SAVEPOINT write").Execute();
                try
                {
                    write.Execute(context);
                    context.Cached("RELEASE write").Execute();
                }
                catch (Exception e)
                {
                    context.Cached("ROLLBACK TO write").Execute();
                    context.Cached("RELEASE write").Execute();
                    write.Fail(e);
                }
            }
            transaction.Commit();
            foreach (var write in batch)
            {
                write.Complete();
            }
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            try
            {
                transaction?.Rollback();
            }
            catch (SqliteException)
            {
                // The transaction is gone with the fault; the writes fail below either way.
            }
            foreach (var write in batch)
            {
                write.Fail(e);
            }
        }
        finally
        {
            transaction?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }
        _statements.Dispose();
    }

    /// <summary>An announced write; disposing it withdraws the announcement.</summary>
    internal readonly struct Announcement(WriteQueue queue) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref queue._announced);
    }

    private abstract class PendingWrite
    {
        public abstract bool IsCancelled { get; }
        public abstract void Execute(WriteContext context);
        public abstract void Fail(Exception error);
        public abstract void Complete();
    }

    // The result is published only after COMMIT: a caller never sees a write that could still roll back.
    private sealed class PendingWrite<T>(Func<WriteContext, T> work, CancellationToken cancellationToken) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Task => _completion.Task;

        public override bool IsCancelled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
                _completion.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public override void Execute(WriteContext context)
        {
            _failed = false;
            _result = work(context);
        }

        public override void Fail(Exception error)
        {
            _failed = true;
            _completion.TrySetException(error);
        }

        public override void Complete()
        {
            if (!_failed)
            {
                _completion.TrySetResult(_result!);
            }
        }
    }
}
