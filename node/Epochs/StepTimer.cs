using System.Diagnostics;
using System.Globalization;

namespace SecretFleet.Node.Epochs;

/// <summary>Named durations of the steps of one long operation, for a single log line ("prune 0.41 s, clear 0.12 s").</summary>
internal sealed class StepTimer
{
    private readonly List<(string Step, TimeSpan Took)> _steps = [];
    private long _mark = Stopwatch.GetTimestamp();

    /// <summary>Ends the current step under <paramref name="step"/> and starts the next.</summary>
    public void Lap(string step)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_steps)
        {
            _steps.Add((step, Stopwatch.GetElapsedTime(_mark, now)));
        }
        _mark = now;
    }

    public override string ToString()
    {
        lock (_steps)
        {
            return string.Join(", ", _steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Step} {s.Took.TotalSeconds:F2} s")));
        }
    }
}
