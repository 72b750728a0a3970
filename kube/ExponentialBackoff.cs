using System.Security.Cryptography;

namespace SecretFleet.Kube;

/// <summary>
/// Doubling delays from <c>initial</c> up to <c>max</c>, each drawn uniformly from its upper half so that
/// many clients failing together do not retry together. Not thread-safe: one per retry loop.
/// </summary>
public sealed class ExponentialBackoff(TimeSpan initial, TimeSpan max)
{
    private int failures;

    public int Failures => failures;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(failures, 30);
        failures++;
        var ceiling = Math.Min(initial.Ticks * Math.Pow(2, exponent), max.Ticks);
        var half = (long)(ceiling / 2);
        var jitter = half <= 0 ? 0 : (long)(RandomNumberGenerator.GetInt32(1_000_001) / 1_000_000.0 * half);
        return TimeSpan.FromTicks(half + jitter);
    }

    public void Reset() => failures = 0;
}
