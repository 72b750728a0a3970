using System.Diagnostics;
using System.Text.RegularExpressions;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// A real secretfleet-node process. Start returns once the node printed its ready line (with the
/// ports it bound); Kill is SIGKILL (a crash), Stop is SIGTERM (a graceful shutdown).
/// </summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly List<string> _output;

    private NodeProcess(Process process, List<string> output, byte x, Uri grpc, Uri http)
    {
        _process = process;
        _output = output;
        X = x;
        Grpc = grpc;
        Http = http;
    }

    public byte X { get; }

    public Uri Grpc { get; }

    public Uri Http { get; }

    public bool HasExited => _disposed == 1 || _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>The exit code, once <see cref="StopAsync"/> returned.</summary>
    public int ExitCode => _process.ExitCode;

    public static string BinaryPath => Path.Combine(AppContext.BaseDirectory, "secretfleet-node");

    /// <summary>The test-only build of a node that deals dishonestly (<c>--cheat NAME</c>).</summary>
    public static string AdversaryBinaryPath => Path.Combine(AppContext.BaseDirectory, "secretfleet-node-adversary");

    public static async Task<NodeProcess> StartAsync(IEnumerable<string> arguments, byte x, IReadOnlyDictionary<string, string>? environment = null, string? binary = null)
    {
        var start = new ProcessStartInfo(binary ?? BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Nodes run as every launcher runs them; a test's own variables come after.
        foreach (var (key, value) in NodeRuntimeEnvironment.Variables.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        var output = new List<string>();
        var ready = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"node x {x} exited before it was ready:\n{string.Join('\n', Snapshot(output))}"));
                return;
            }
            lock (output)
            {
                output.Add(e.Data);
            }
            if (ReadyLine().Match(e.Data) is { Success: true } match)
            {
                ready.TrySetResult(match);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var line = await ready.Task.WaitAsync(StartTimeout);
            return new NodeProcess(process, output, x, new Uri(line.Groups["grpc"].Value), new Uri(line.Groups["http"].Value));
        }
        catch
        {
            Terminate(process);
            throw;
        }
    }

    /// <summary>Runs the node binary to completion (for configuration errors): exit code and all output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Everything the node printed so far (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join('\n', Snapshot(_output));

    public void Kill() => Terminate(_process);

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Terminate(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private int _disposed;

    private static void Terminate(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static List<string> Snapshot(List<string> output)
    {
        lock (output)
        {
            return [.. output];
        }
    }

    [GeneratedRegex(@"secretfleet-node ready x=(?<x>\d+) grpc=(?<grpc>\S+) http=(?<http>\S+)")]
    private static partial Regex ReadyLine();
}
