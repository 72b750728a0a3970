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
    private readonly Lock _sync = new();
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _enqueuedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _waiting = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _waitingOrder = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly WorkQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkQueue> _logger;
    private readonly FailureCounts _backoff;
    private readonly WorkQueueMetrics _metrics;
    private readonly ITimer _timer;
    private bool _shuttingDown;
    private int _running;

    /// <summary>A queue; its instruments come from <c>meterFactory</c>, the host's, when given (tests may pass none).</summary>
    public WorkQueue(WorkQueueOptions options, TimeProvider time, ILogger<WorkQueue> logger, IMeterFactory? meterFactory = null)
    {
        options.Validate();
        _options = options;
        _time = time;
        _logger = logger;
        _backoff = new FailureCounts(options.Backoff);
        _metrics = new WorkQueueMetrics(options.Name, meterFactory);
        _timer = time.CreateTimer(static state => ((WorkQueue)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Keys ready to be handed out now (not counting delayed or in-flight ones).</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>Keys waiting for a delay (<see cref="AddAfter"/>, backoff) to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_sync)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> (namespace/name) unless it is queued already.</summary>
    public void Add(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_sync)
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

        lock (_sync)
        {
            if (_shuttingDown)
            {
                return;
            }

            var at = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var pending) && pending <= at)
            {
                return;
            }

            _waiting[key] = at;
            _waitingOrder.Enqueue(key, at);
            ArmTimerLocked();
        }
    }

    /// <summary>Queues <paramref name="key"/> after its next backoff delay, and returns that delay.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        var delay = _backoff.NextDelay(key);
        _metrics.Retried();
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Resets the backoff of <paramref name="key"/> (after a success).</summary>
    public void Forget(string key) => _backoff.Forget(key);

    /// <summary>Failures of <paramref name="key"/> since its last <see cref="Forget"/>.</summary>
    public int Failures(string key) => _backoff.Failures(key);

    /// <summary>
    /// The next key to process, marked in flight until <see cref="Done"/>; null once the queue
    /// shuts down.
    /// </summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        // The semaphore counts ready keys (plus one wake-up after shutdown).
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            if (_shuttingDown)
            {
                // Pass the wake-up on, so every waiting worker sees the shutdown.
                _available.Release();
                return null;
            }

            var key = _ready.Dequeue();
            _dirty.Remove(key);
            _processing.Add(key);
            _enqueuedAt.Remove(key, out var since);
            _metrics.Started(_time.GetElapsedTime(since));
            return key;
        }
    }

    /// <summary>Ends processing of <paramref name="key"/>; if it was added meanwhile it is queued again.</summary>
    public void Done(string key)
    {
        lock (_sync)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shuttingDown)
            {
                Enqueue(key);
            }
        }
    }

    /// <summary>Stops handing out keys and ignores further adds; waiting <see cref="GetAsync"/> calls return null.</summary>
    public void ShutDown()
    {
        lock (_sync)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _available.Release();
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
        _metrics.Dispose();
    }

    private void AddLocked(string key)
    {
        if (_shuttingDown || !_dirty.Add(key))
        {
            return;
        }

        // A key in flight stays out of the ready queue; Done puts it back.
        if (!_processing.Contains(key))
        {
            Enqueue(key);
        }
    }

    private void Enqueue(string key)
    {
        _ready.Enqueue(key);
        _enqueuedAt[key] = _time.GetTimestamp();
        _metrics.Enqueued();
        _available.Release();
    }

    private void OnTimer()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            while (_waitingOrder.TryPeek(out var key, out var at) && at <= now)
            {
                _waitingOrder.Dequeue();
                // Entries superseded by an earlier AddAfter stay in the heap; skip them.
                if (_waiting.TryGetValue(key, out var current) && current == at)
                {
                    _waiting.Remove(key);
                    AddLocked(key);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        while (_waitingOrder.TryPeek(out var key, out var at) && !(_waiting.TryGetValue(key, out var current) && current == at))
        {
            _waitingOrder.Dequeue();
        }

        if (_shuttingDown || !_waitingOrder.TryPeek(out _, out var next))
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next - _time.GetUtcNow();
        _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
