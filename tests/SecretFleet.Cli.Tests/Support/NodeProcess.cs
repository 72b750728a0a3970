using System.Diagnostics;
using System.Text.RegularExpressions;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>A secretfleet-node child of the test process; ready once it printed its ready line, killed on dispose.</summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    private NodeProcess(Process process, List<string> output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>The gRPC address from the ready line (the port the OS picked for :0).</summary>
    public Uri Grpc { get; private set; } = null!;

    public static async Task<NodeProcess> StartAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "secretfleet-node")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in NodeRuntimeEnvironment.Variables)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        var output = new List<string>();
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line, bool stdout)
        {
            if (line is null)
            {
                if (stdout)
                {
                    ready.TrySetException(new InvalidOperationException("secretfleet-node exited: " + string.Join(" | ", output)));
                }
                return;
            }
            lock (output)
            {
                output.Add(line);
            }
            if (stdout && ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups["grpc"].Value));
            }
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data, true);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new NodeProcess(process, output);
        try
        {
            node.Grpc = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"^secretfleet-node ready x=\d+ grpc=(?<grpc>\S+) ")]
    private static partial Regex ReadyLine();
}
