using System.Text;
using System.Text.RegularExpressions;
using SecretFleet.Cli.Commands;

namespace SecretFleet.Cli.Local;

/// <summary>
/// Waits for a detached process to print its ready line into its log file (written after
/// <c>offset</c>), failing early when the process dies and quoting the end of its log.
/// </summary>
internal static class LogWatcher
{
    public static async Task<Match> WaitForLineAsync(
        string logFile, long offset, Regex ready, ProcessRecord process, string what, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var text = ReadFrom(logFile, offset);
            if (ready.Match(text) is { Success: true } match)
            {
                return match;
            }
            if (!ProcessControl.IsAlive(process))
            {
                // Give a dying process's last words a moment to reach the file.
                text = ReadFrom(logFile, offset);
                throw CliException.Other($"{what} exited before it was ready: {LastLines(text, 3)} (full log: {logFile}).");
            }
            if (time.GetUtcNow() >= deadline)
            {
                throw CliException.Other($"{what} did not report ready within {timeout.TotalSeconds:0} s; see {logFile}.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        }
    }

    public static long Length(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    internal static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(count));
    }

    private static string ReadFrom(string file, long offset)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset)
            {
                return "";
            }
            stream.Position = offset;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }
}
