using System.Diagnostics;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// The real operator binary (<c>secretfleet-operator run --kubeconfig F</c>, next to the tests) as a process against
/// the emulated cluster, its probe and metrics endpoints on free loopback ports (pods hold 8080 on their own
/// addresses, which a wildcard bind would clash with). The only place that knows the operator's command line.
/// Disposing it is SIGKILL: the suite restarts the operator the way a crash would.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private const string StartedLine = "secretfleet-operator started";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly List<string> _output;

    private OperatorProcess(Process process, List<string> output)
    {
        _process = process;
        _output = output;
    }

    public static string BinaryPath => Path.Combine(AppContext.BaseDirectory, "secretfleet-operator");

    /// <summary>The last lines the operator printed (stdout and stderr), and its exit code if it ended.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                var exited = _process.HasExited ? $"\n(the operator exited with code {_process.ExitCode})" : "";
                return string.Join('\n', _output.TakeLast(200)) + exited;
            }
        }
    }

    /// <summary>Starts the operator and waits for its start line; fails with its output if it exits first.</summary>
    public static async Task<OperatorProcess> StartAsync(string kubeconfig, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["run", "--kubeconfig", kubeconfig, "--health-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new List<string>();
        var process = new Process { StartInfo = start };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Add(e.Data);
                }

                if (e.Data.StartsWith(StartedLine, StringComparison.Ordinal))
                {
                    started.TrySetResult();
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var running = new OperatorProcess(process, output);
        var exited = process.WaitForExitAsync(cancellationToken);
        try
        {
            if (await Task.WhenAny(started.Task, exited).WaitAsync(StartTimeout, cancellationToken) == started.Task)
            {
                return running;
            }
        }
        catch (TimeoutException)
        {
            await running.DisposeAsync();
            throw new InvalidOperationException($"secretfleet-operator did not print '{StartedLine}' within {StartTimeout.TotalSeconds} s:\n{running.Output}");
        }

        throw new InvalidOperationException($"secretfleet-operator run exited with code {process.ExitCode} before it started:\n{running.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
