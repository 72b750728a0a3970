using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Operator.Queue;

/// <summary>
/// The controller work queue (what controller-runtime's rate-limited queue does):
/// <list type="bullet">
/// <item>one entry per key: adding a queued key is a no-op;</item>
/// <item>a key being processed is never handed to a second worker; re-added meanwhile, it
/// runs once more after the current run (<see cref="Done"/> puts it back);</item>
/// <item><see cref="AddAfter"/> delays a key; the earliest pending time wins;</item>
/// <item><see cref="AddRateLimited"/> delays by the key's exponential backoff until <see cref="Forget"/>.</item>
/// </list>
/// Delays run on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class WorkQueue : IDisposable
{
    private readonly Lock sync = new();
    private readonly Queue<string> ready = new();
    private readonly HashSet<string> dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> processing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> enqueuedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> waiting = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> waitingOrder = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly WorkQueueOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<WorkQueue> logger;
    private readonly FailureCounts backoff;
    private readonly WorkQueueMetrics metrics;
    private readonly ITimer timer;
    private bool shuttingDown;
    private int running;

    /// <summary>A queue; its instruments come from <c>meterFactory</c>, the host's, when given (tests may pass none).</summary>
    public WorkQueue(WorkQueueOptions options, TimeProvider time, ILogger<WorkQueue> logger, IMeterFactory? meterFactory = null)
    {
        options.Validate();
        this.options = options;
        this.time = time;
        this.logger = logger;
        backoff = new FailureCounts(options.Backoff);
        metrics = new WorkQueueMetrics(options.Name, meterFactory);
        timer = time.CreateTimer(static state => ((WorkQueue)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Keys ready to be handed out now (not counting delayed or in-flight ones).</summary>
    public int Count
    {
        get
        {
            lock (sync)
            {
                return ready.Count;
            }
        }
    }

    /// <summary>Keys waiting for a delay (<see cref="AddAfter"/>, backoff) to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (sync)
            {
                return waiting.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> (namespace/name) unless it is queued already.</summary>
    public void Add(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (sync)
        {
            AddLocked(key);
        }
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; an earlier pending time for it wins.</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (sync)
        {
            if (shuttingDown)
            {
                return;
            }

            var at = time.GetUtcNow() + delay;
            if (waiting.TryGetValue(key, out var pending) && pending <= at)
            {
                return;
            }

            waiting[key] = at;
            waitingOrder.Enqueue(key, at);
            ArmTimerLocked();
        }
    }

    /// <summary>Queues <paramref name="key"/> after its next backoff delay, and returns that delay.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        var delay = backoff.NextDelay(key);
        metrics.Retried();
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Resets the backoff of <paramref name="key"/> (after a success).</summary>
    public void Forget(string key) => backoff.Forget(key);

    /// <summary>Failures of <paramref name="key"/> since its last <see cref="Forget"/>.</summary>
    public int Failures(string key) => backoff.Failures(key);

    /// <summary>
    /// The next key to process, marked in flight until <see cref="Done"/>; null once the queue
    /// shuts down.
    /// </summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        // The semaphore counts ready keys (plus one wake-up after shutdown).
        await available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (sync)
        {
            if (shuttingDown)
            {
                // Pass the wake-up on, so every waiting worker sees the shutdown.
                available.Release();
                return null;
            }

            var key = ready.Dequeue();
            dirty.Remove(key);
            processing.Add(key);
            enqueuedAt.Remove(key, out var since);
            metrics.Started(time.GetElapsedTime(since));
            return key;
        }
    }

    /// <summary>Ends processing of <paramref name="key"/>; if it was added meanwhile it is queued again.</summary>
    public void Done(string key)
    {
        lock (sync)
        {
            processing.Remove(key);
            if (dirty.Contains(key) && !shuttingDown)
            {
                Enqueue(key);
            }
        }
    }

    /// <summary>Stops handing out keys and ignores further adds; waiting <see cref="GetAsync"/> calls return null.</summary>
    public void ShutDown()
    {
        lock (sync)
        {
            if (shuttingDown)
            {
                return;
            }

            shuttingDown = true;
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        available.Release();
    }

    public void Dispose()
    {
        ShutDown();
        timer.Dispose();
        metrics.Dispose();
    }

    private void AddLocked(string key)
    {
        if (shuttingDown || !dirty.Add(key))
        {
            return;
        }

        // A key in flight stays out of the ready queue; Done puts it back.
        if (!processing.Contains(key))
        {
            Enqueue(key);
        }
    }

    private void Enqueue(string key)
    {
        ready.Enqueue(key);
        enqueuedAt[key] = time.GetTimestamp();
        metrics.Enqueued();
        available.Release();
    }

    private void OnTimer()
    {
        lock (sync)
        {
            var now = time.GetUtcNow();
            while (waitingOrder.TryPeek(out var key, out var at) && at <= now)
            {
                waitingOrder.Dequeue();
                // Entries superseded by an earlier AddAfter stay in the heap; skip them.
                if (waiting.TryGetValue(key, out var current) && current == at)
                {
                    waiting.Remove(key);
                    AddLocked(key);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        while (waitingOrder.TryPeek(out var key, out var at) && !(waiting.TryGetValue(key, out var current) && current == at))
        {
            waitingOrder.Dequeue();
        }

        if (shuttingDown || !waitingOrder.TryPeek(out _, out var next))
        {
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next - time.GetUtcNow();
        timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
