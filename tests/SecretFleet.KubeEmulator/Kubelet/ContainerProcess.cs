using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One run of a container as a real process: output goes to a <see cref="ContainerLog"/>; stopping is SIGTERM, a grace
/// period, then SIGKILL, as a container runtime does. Every live process is also killed when the test host exits, so
/// a test run that never disposed its emulator leaves no node behind.
/// </summary>
internal sealed class ContainerProcess
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;

    static ContainerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Live.Values)
        {
            Kill(process);
        }
    };

    private ContainerProcess(Process process, ContainerLog log, DateTimeOffset started)
    {
        _process = process;
        Id = process.Id;
        Log = log;
        StartedAt = started;
        Exited = WaitAsync();
    }

    public int Id { get; }

    public ContainerLog Log { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes with the exit code (128 + signal when a signal ended it) once the process and its output ended.</summary>
    public Task<int> Exited { get; }

    public static ContainerProcess Start(LaunchPlan plan, ContainerLog log, TimeProvider time)
    {
        var start = new ProcessStartInfo(plan.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = plan.WorkingDirectory,
        };
        foreach (var argument in plan.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A container sees only its own environment, not the test host's.
        start.Environment.Clear();
        foreach (var (key, value) in plan.Environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data, time);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data, time);
        process.Start();
        Live[process.Id] = process;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ContainerProcess(process, log, time.GetUtcNow());
    }

    /// <summary>SIGTERM, then SIGKILL when the process is still there after the grace period; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (grace > TimeSpan.Zero && !Exited.IsCompleted)
        {
            Signal("TERM");
            try
            {
                return await Exited.WaitAsync(grace, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Grace period over.
            }
        }

        Kill(_process);
        return await Exited.WaitAsync(cancellationToken);
    }

    /// <summary>SIGKILL at once (what a test does to simulate a crash, and what disposal does).</summary>
    public void Kill() => Kill(_process);

    private void Signal(string signal)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill(1): the grace period passes and SIGKILL follows.
        }
    }

    private async Task<int> WaitAsync()
    {
        try
        {
            await _process.WaitForExitAsync();
            return _process.ExitCode;
        }
        finally
        {
            Live.TryRemove(Id, out _);
            Log.Complete();
            _process.Dispose();
        }
    }

    private static void Append(ContainerLog log, string? line, TimeProvider time)
    {
        if (line is not null)
        {
            log.Append(line, time.GetUtcNow());
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
