using System.Diagnostics;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Rendering;

/// <summary>The built binary: render is wired into the operator's command line and its exit codes.</summary>
[Trait("Category", "Integration")]
public sealed class RenderProcessTests
{
    [Fact]
    public async Task The_operator_binary_renders_a_sample_and_refuses_a_bad_one_with_exit_2()
    {
        var good = await RunAsync("render", "-f", RepoPaths.Of("crds", "samples", "secretcluster.yaml"), "-o", "json");
        var bad = await RunAsync("render", "-f", RepoPaths.Of("crds", "samples", "no-such-sample.yaml"));

        Assert.True(good.Code == 0, good.Stderr);
        Assert.Contains("\"kind\": \"List\"", good.Stdout, StringComparison.Ordinal);
        Assert.Equal((2, ""), (bad.Code, bad.Stdout));
        Assert.Contains("no-such-sample.yaml: no such file", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_documents_render_and_what_it_prints_for_runtime_only_inputs()
    {
        var help = await RunAsync("--help");

        Assert.Equal(0, help.Code);
        Assert.Contains("render -f FILE [-o yaml|json]", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("00000000-0000-0000-0000-000000000000", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("key Secret is printed without its", help.Stdout, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "secretfleet-operator.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
