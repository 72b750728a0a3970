using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// The real plugin as a user runs it: <c>kubectl secrets VERB … --cluster NAME -n NS --kubeconfig F --connect MODE</c>,
/// with the test output folder (holding <c>kubectl-secrets</c>) first on PATH so kubectl finds the plugin. The only
/// place that knows the CLI's verbs, flags and output.
/// </summary>
internal sealed class KubectlSecrets(string kubeconfig, string ns, string cluster, string connect, string directory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    /// <summary>The same plugin run with another user's kubeconfig.</summary>
    public KubectlSecrets As(string userKubeconfig) => new(userKubeconfig, ns, cluster, connect, directory);

    public async Task StoreAsync(string name, string value, CancellationToken cancellationToken, string? client = null)
    {
        var file = Path.Combine(directory, $"{name}.secret");
        await File.WriteAllTextAsync(file, value, cancellationToken);
        try
        {
            await SucceedAsync(["store", name, "--from-file", file, .. Client(client)], cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The secret as <c>recover</c> prints it (one trailing newline, if the CLI adds one, removed).</summary>
    public async Task<string> RecoverAsync(string name, CancellationToken cancellationToken, string? client = null)
    {
        var stdout = await SucceedAsync(["recover", name, .. Client(client)], cancellationToken);
        return stdout.EndsWith('\n') ? stdout[..^1] : stdout;
    }

    /// <summary>How many nodes hold the newest version of each secret (<c>list -o json</c>).</summary>
    public async Task<IReadOnlyDictionary<string, int>> HoldersAsync(CancellationToken cancellationToken)
    {
        var json = JsonNode.Parse(await SucceedAsync(["list", "-o", "json"], cancellationToken));
        var items = json as JsonArray ?? json?["items"] as JsonArray ?? json?["secrets"] as JsonArray ?? [];
        return items.OfType<JsonObject>().ToDictionary(
            i => i["name"]?.GetValue<string>() ?? "",
            i => i["nodes"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : -1,
            StringComparer.Ordinal);
    }

    private static string[] Client(string? client) => client is null ? [] : ["--client", client];

    public async Task<string> SucceedAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(arguments, cancellationToken);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"kubectl secrets {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Output}");
    }

    public async Task<Result> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["secrets", .. arguments, "--cluster", cluster, "-n", ns, "--kubeconfig", kubeconfig, "--connect", connect])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = AppContext.BaseDirectory.TrimEnd('/') + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start; is it on PATH?");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl secrets {string.Join(' ', arguments)} did not finish within {Timeout.TotalMinutes} min");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
