using System.Security.Cryptography;

namespace SecretFleet.Operator.Queue;

/// <summary>
/// Per-key failure counts and the delay they imply: base · 2^(failures−1), capped, shortened
/// by up to <see cref="WorkQueueOptions.Jitter"/> of itself at random.
/// </summary>
internal sealed class ExponentialBackoff(WorkQueueOptions options)
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, int> failures = new(StringComparer.Ordinal);

    /// <summary>Counts one more failure of <paramref name="key"/> and returns how long to wait.</summary>
    public TimeSpan NextDelay(string key)
    {
        int count;
        lock (sync)
        {
            failures.TryGetValue(key, out count);
            failures[key] = ++count;
        }

        // Doubles as a double so a long failure streak saturates at the cap instead of overflowing.
        var ticks = Math.Min(options.MaxDelay.Ticks, options.BaseDelay.Ticks * Math.Pow(2, Math.Min(count - 1, 62)));
        if (options.Jitter > 0)
        {
            var unit = RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
            ticks *= 1 - (options.Jitter * unit);
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Failures counted for <paramref name="key"/> since it last succeeded.</summary>
    public int Failures(string key)
    {
        lock (sync)
        {
            return failures.GetValueOrDefault(key);
        }
    }

    public void Forget(string key)
    {
        lock (sync)
        {
            failures.Remove(key);
        }
    }
}
