namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

/// <summary>Stopping a container process as a runtime does: SIGTERM, the grace period, then SIGKILL.</summary>
[Trait("Category", "Integration")]
public sealed class ContainerProcessTests
{
    [Fact]
    public async Task Process_that_handles_SIGTERM_stops_within_the_grace_period_with_its_own_exit_code()
    {
        var process = Start("""trap 'echo bye; exit 3' TERM; echo up; while true; do sleep 0.1; done""");
        await WaitForLineAsync(process.Log, "up");

        var exitCode = await process.StopAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Equal(3, exitCode);
        Assert.Contains("bye", process.Log.Read(-1).Lines.Select(l => l.Text));
        Assert.True(process.Log.Completed);
    }

    [Fact]
    public async Task Process_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        var process = Start("""trap '' TERM; echo up; while true; do sleep 0.1; done""");
        await WaitForLineAsync(process.Log, "up");

        var exitCode = await process.StopAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.Equal(137, exitCode);
    }

    private static ContainerProcess Start(string script) =>
        ContainerProcess.Start(new LaunchPlan("/bin/sh", ["-c", script], new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, Path.GetTempPath()),
            new ContainerLog(100), TimeProvider.System);

    private static async Task WaitForLineAsync(ContainerLog log, string text)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var (lines, _, changed) = log.Read(-1);
            if (lines.Any(l => l.Text == text))
            {
                return;
            }

            await changed.WaitAsync(deadline.Token);
        }
    }
}
