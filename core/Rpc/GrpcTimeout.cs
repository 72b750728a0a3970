using System.Globalization;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The <c>grpc-timeout</c> header: at most 8 ASCII digits and one unit
/// (<c>H</c> hours, <c>M</c> minutes, <c>S</c> seconds, <c>m</c> ms, <c>u</c> µs, <c>n</c> ns).
/// </summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses the header; false when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9)
        {
            return false;
        }

        long amount = 0;
        foreach (var c in value[..^1])
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        // At most 99,999,999 of any unit fits a TimeSpan (the largest is ~11,400 years), so no overflow.
        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => (amount + 99) / 100, // a tick is 100 ns; round up so 1n is not "no time at all"
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }

    /// <summary>
    /// Formats a timeout in the finest unit that fits 8 digits, rounding up so the server never
    /// sees a shorter deadline than the client keeps.
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        if (ticks <= MaxValue / 100)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ticks * 100}n");
        }

        ReadOnlySpan<(long TicksPerUnit, char Unit)> units =
        [
            (TimeSpan.TicksPerMicrosecond, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (perUnit, unit) in units)
        {
            var amount = (ticks + perUnit - 1) / perUnit;
            if (amount <= MaxValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{amount}{unit}");
            }
        }

        return $"{MaxValue}H";
    }
}
