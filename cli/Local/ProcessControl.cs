using System.Globalization;
using System.Runtime.InteropServices;

namespace SecretFleet.Cli.Local;

/// <summary>
/// Looks at and signals processes that are not our children (a local fleet outlives the CLI that
/// started it). Liveness comes from <c>/proc/PID/stat</c>: a zombie counts as gone, and a pid
/// whose start time differs from the recorded one belongs to someone else.
/// </summary>
internal static partial class ProcessControl
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>The record of a running process, or null when it is gone or a zombie.</summary>
    public static ProcessRecord? Describe(int pid)
    {
        var stat = ReadStat(pid);
        return stat is { } s && s.State is not ('Z' or 'X') ? new ProcessRecord(pid, s.StartTicks) : null;
    }

    public static bool IsAlive(ProcessRecord? process) =>
        process is not null && Describe(process.Pid) is { } now && now.StartTicks == process.StartTicks;

    /// <summary>Parses the fields of /proc/PID/stat we need; the command name may hold spaces and parentheses.</summary>
    internal static (char State, long StartTicks)? ParseStat(string stat)
    {
        var end = stat.LastIndexOf(')');
        if (end < 0 || end + 2 >= stat.Length)
        {
            return null;
        }
        // After "pid (comm) ": state is field 3, starttime is field 22 of the man page.
        var fields = stat[(end + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && fields[0].Length == 1 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (fields[0][0], start)
            : null;
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL. True when the process is gone.</summary>
    public static async Task<bool> StopAsync(ProcessRecord process, TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!IsAlive(process))
        {
            return true;
        }
        Signal(process.Pid, SigTerm);
        if (await WaitForExitAsync(process, grace, time, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }
        if (IsAlive(process))
        {
            Signal(process.Pid, SigKill);
        }
        return await WaitForExitAsync(process, TimeSpan.FromSeconds(10), time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILL at once (what a crash looks like to the fleet).</summary>
    public static void Kill(ProcessRecord process)
    {
        if (IsAlive(process))
        {
            Signal(process.Pid, SigKill);
        }
    }

    public static async Task<bool> WaitForExitAsync(ProcessRecord process, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (IsAlive(process))
        {
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    private static (char State, long StartTicks)? ReadStat(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Signal(int pid, int signal)
    {
        // ESRCH (already gone) is the outcome we want anyway.
        _ = NativeKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
