namespace SecretFleet.KubeEmulator;

/// <summary>
/// The output of one container run (stdout and stderr interleaved, as a container runtime keeps it), bounded to the
/// last lines. Followers wait for more until the run ends.
/// </summary>
internal sealed class ContainerLog(int capacity)
{
    private readonly Queue<LogLine> _lines = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _appended;

    public bool Completed { get; private set; }

    public void Append(string line, DateTimeOffset time)
    {
        TaskCompletionSource changed;
        lock (_lines)
        {
            _lines.Enqueue(new LogLine(_appended++, time, line));
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }

            changed = Swap();
        }

        changed.TrySetResult();
    }

    /// <summary>The run ended: followers get what is left and stop.</summary>
    public void Complete()
    {
        TaskCompletionSource changed;
        lock (_lines)
        {
            Completed = true;
            changed = Swap();
        }

        changed.TrySetResult();
    }

    /// <summary>Lines after sequence number <paramref name="after"/> (-1: from the start), and a task that completes on the next change.</summary>
    public (IReadOnlyList<LogLine> Lines, bool Completed, Task Changed) Read(long after)
    {
        lock (_lines)
        {
            return ([.. _lines.Where(l => l.Sequence > after)], Completed, _changed.Task);
        }
    }

    private TaskCompletionSource Swap()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return changed;
    }
}
