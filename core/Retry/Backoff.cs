using System.Security.Cryptography;

namespace SecretFleet.Core.Retry;

/// <summary>
/// How long to wait after consecutive failures, the one rule every retry loop in SecretFleet
/// uses: <see cref="Initial"/> · 2^(failures − 1), capped at <see cref="Max"/>, then shortened
/// by up to <see cref="Jitter"/> of itself at random, so that clients failing together (an API
/// server or a peer going away) do not all retry at the same instant.
/// </summary>
public sealed record Backoff
{
    public Backoff(TimeSpan initial, TimeSpan max, double jitter = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero, nameof(initial));
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial, nameof(max));
        if (jitter is < 0 or > 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter is a fraction between 0 and 1.");
        }
        Initial = initial;
        Max = max;
        Jitter = jitter;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    public double Jitter { get; }

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row (1 for the first).</summary>
    public TimeSpan Delay(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // Doubles as a double, so a long failure streak saturates at the cap instead of overflowing.
        var ticks = Math.Min(Max.Ticks, Initial.Ticks * Math.Pow(2, Math.Min(failures - 1, 62)));
        if (Jitter > 0)
        {
            ticks *= 1 - (Jitter * RandomNumberGenerator.GetInt32(int.MaxValue) / int.MaxValue);
        }
        return TimeSpan.FromTicks((long)ticks);
    }
}
