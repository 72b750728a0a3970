using System.Diagnostics;

namespace SecretFleet.Operator.Tests.Hosting;

/// <summary>The built binary refuses bad settings of run with exit 2 and one line naming the flag, before it connects anywhere.</summary>
[Trait("Category", "Integration")]
public sealed class OperatorExitCodeTests
{
    [Theory]
    [InlineData("--allowed-node-images=registry.example/node:2,,evil:1", "--allowed-node-images 'registry.example/node:2,,evil:1' has an empty entry")]
    [InlineData("--allowed-node-images=evil:1 ", "--allowed-node-images 'evil:1 ' has 'evil:1 ', which is not an image reference")]
    public async Task A_malformed_allow_list_exits_2_naming_the_flag(string flag, string message)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "secretfleet-operator.dll"));
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(flag);
        // Nothing to connect to: were the flag accepted, the kubeconfig would fail instead, naming it.
        start.Environment["KUBECONFIG"] = Path.Combine(Path.GetTempPath(), $"no-such-kubeconfig-{Guid.NewGuid():N}");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await stdout);
        Assert.StartsWith($"secretfleet-operator: {message}", await stderr, StringComparison.Ordinal);
    }
}
