using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SecretFleet.Cli.Commands;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>
/// One <c>kubectl port-forward pod/NAME-i :7443</c> with the user's --context, --kubeconfig and
/// namespace. TLS stays end to end: the CLI dials 127.0.0.1:PORT and still verifies the pod's
/// TLS name. Disposing stops kubectl.
/// </summary>
internal sealed partial class PortForward : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _kubectl;

    private PortForward(Process kubectl, int localPort)
    {
        _kubectl = kubectl;
        LocalPort = localPort;
    }

    public int LocalPort { get; }

    public Uri Endpoint => new($"https://127.0.0.1:{LocalPort.ToString(CultureInfo.InvariantCulture)}");

    public static async Task<PortForward> StartAsync(KubeConnection connection, string pod, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(connection.Kubectl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments(connection, pod))
        {
            start.ArgumentList.Add(argument);
        }
        Process kubectl;
        try
        {
            kubectl = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw CliException.Other($"Cannot run kubectl for port-forwarding ({e.Message}); install kubectl or use --connect direct.", e);
        }
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<string>();
        kubectl.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && ParseForwardingLine(e.Data) is { } local)
            {
                port.TrySetResult(local);
            }
        };
        kubectl.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (errors)
                {
                    errors.Add(line);
                }
            }
        };
        kubectl.EnableRaisingEvents = true;
        kubectl.Exited += (_, _) => port.TrySetException(new InvalidOperationException("kubectl exited"));
        kubectl.BeginOutputReadLine();
        kubectl.BeginErrorReadLine();
        try
        {
            return new PortForward(kubectl, await port.Task.WaitAsync(ReadyTimeout, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Stop(kubectl);
            string detail;
            lock (errors)
            {
                detail = errors.Count > 0 ? errors[^1] : "no output";
            }
            throw CliException.NotEnoughNodes($"kubectl port-forward to pod {pod} failed ({detail}); check the pod is running, or use --connect direct from inside the cluster network.");
        }
    }

    internal static IReadOnlyList<string> Arguments(KubeConnection connection, string pod)
    {
        var arguments = new List<string> { "port-forward", $"pod/{pod}", $":{ClusterNames.GrpcPort.ToString(CultureInfo.InvariantCulture)}", "--namespace", connection.Namespace };
        if (connection.Context is { } context)
        {
            arguments.AddRange(["--context", context]);
        }
        if (connection.KubeconfigPath is { } kubeconfig)
        {
            arguments.AddRange(["--kubeconfig", kubeconfig]);
        }
        return arguments;
    }

    /// <summary>kubectl prints "Forwarding from 127.0.0.1:43121 -> 7443" once the local port listens.</summary>
    internal static int? ParseForwardingLine(string line) =>
        ForwardingLine().Match(line) is { Success: true } match && int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : null;

    public async ValueTask DisposeAsync()
    {
        Stop(_kubectl);
        await _kubectl.WaitForExitAsync().ConfigureAwait(false);
        _kubectl.Dispose();
    }

    private static void Stop(Process process)
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

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(?<port>\d+) -> \d+")]
    private static partial Regex ForwardingLine();
}
