using System.Diagnostics;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>
/// Runs the built kubectl-secrets binary (or kubectl itself, for the plugin path) with an isolated
/// SECRETFLEET_HOME. secretfleet-node sits next to kubectl-secrets in the test output, so `local up`
/// finds it the way an installed CLI does.
/// </summary>
public sealed class CliProcess(string home)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public static string BinaryDirectory => AppContext.BaseDirectory;

    public static string Binary => Path.Combine(BinaryDirectory, "kubectl-secrets");

    public string Home { get; } = home;

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    public Task<CliResult> RunAsync(IReadOnlyList<string> args, byte[]? stdin) => StartAsync(Binary, args, stdin);

    /// <summary>`kubectl secrets …` with the binary's folder first on PATH.</summary>
    public Task<CliResult> KubectlAsync(params string[] args) => StartAsync("kubectl", ["secrets", .. args], null);

    public Task<CliResult> KubectlRawAsync(params string[] args) => StartAsync("kubectl", args, null);

    private async Task<CliResult> StartAsync(string program, IReadOnlyList<string> args, byte[]? stdin)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["SECRETFLEET_HOME"] = Home;
        start.Environment.Remove("SECRETFLEET_NODE_BINARY");
        start.Environment["PATH"] = $"{BinaryDirectory}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["KUBECONFIG"] = Path.Combine(Home, "no-kubeconfig");
        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(Deadline);
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, deadline.Token);
        }
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await copy;
            return new CliResult(process.ExitCode, stdout.ToArray(), await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {Deadline.TotalSeconds} s.");
        }
    }
}
