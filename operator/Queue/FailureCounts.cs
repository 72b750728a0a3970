using SecretFleet.Core.Retry;

namespace SecretFleet.Operator.Queue;

/// <summary>Per-key counts of consecutive failures, and the <see cref="Backoff"/> delay they imply.</summary>
internal sealed class FailureCounts(Backoff backoff)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Counts one more failure of <paramref name="key"/> and returns how long to wait.</summary>
    public TimeSpan NextDelay(string key)
    {
        int count;
        lock (_sync)
        {
            _failures.TryGetValue(key, out count);
            _failures[key] = ++count;
        }

        return backoff.Delay(count);
    }

    /// <summary>Failures counted for <paramref name="key"/> since it last succeeded.</summary>
    public int Failures(string key)
    {
        lock (_sync)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    public void Forget(string key)
    {
        lock (_sync)
        {
            _failures.Remove(key);
        }
    }
}
