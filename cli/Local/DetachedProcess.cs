using System.Diagnostics;

namespace SecretFleet.Cli.Local;

/// <summary>
/// Starts a process that outlives the CLI: its own session (setsid, so Ctrl-C and a closed
/// terminal do not reach it), stdin from /dev/null and stdout/stderr appended to a log file, so
/// it holds none of our pipes (a caller reading our output to the end is not kept waiting).
/// </summary>
internal static class DetachedProcess
{
    // sh applies the redirections, then exec replaces it by setsid, which (not being a process
    // group leader) calls setsid() and execs the program: the pid we get is the program's pid.
    private const string WithSession = "log=$1; shift; exec setsid \"$@\" </dev/null >>\"$log\" 2>&1";
    private const string WithoutSession = "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    public static ProcessRecord Start(IReadOnlyList<string> command, string logFile, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(FindOnPath("setsid") is null ? WithoutSession : WithSession);
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(logFile);
        foreach (var part in command)
        {
            start.ArgumentList.Add(part);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {command[0]}.");
        // /proc/PID/stat exists from fork on; the start time survives the execs.
        return ProcessControl.Describe(process.Id) ?? new ProcessRecord(process.Id, 0);
    }

    public static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
