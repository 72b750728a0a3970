using System.Diagnostics;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// The real operator binary (<c>secretfleet-operator run --kubeconfig F</c>, next to the tests) as a process against
/// the emulated cluster. The only place that knows the operator's command line. Disposing it is SIGKILL: the suite
/// restarts the operator the way a crash would.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(2);
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

    /// <summary>Starts the operator; fails at once, with its output, if it exits within the first seconds.</summary>
    public static async Task<OperatorProcess> StartAsync(string kubeconfig, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["run", "--kubeconfig", kubeconfig])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SECRETFLEET_LOG_LEVEL"] = "Information";
        var output = new List<string>();
        var process = new Process { StartInfo = start };
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Add(e.Data);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new OperatorProcess(process, output);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(StartGrace, cancellationToken);
        }
        catch (TimeoutException)
        {
            return started;
        }

        throw new InvalidOperationException($"secretfleet-operator run exited with code {process.ExitCode} right after it started:\n{started.Output}");
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
