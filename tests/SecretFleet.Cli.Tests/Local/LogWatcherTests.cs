using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class LogWatcherTests
{
    private static readonly ProcessRecord Me = ProcessControl.Describe(Environment.ProcessId)!;

    [Fact]
    public async Task It_finds_the_ready_line_written_after_the_offset_only()
    {
        using var dir = new TempDirectory();
        var log = dir.Combine("node.log");
        await File.WriteAllTextAsync(log, "secretfleet-node ready x=1 grpc=https://127.0.0.1:1111 http=http://127.0.0.1:2222\n");
        var offset = LogWatcher.Length(log);

        var waiting = LogWatcher.WaitForLineAsync(log, offset, NodeLauncher.ReadyLine(), Me, "Node node-0", TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None);
        await File.AppendAllTextAsync(log, "info: starting\nsecretfleet-node ready x=1 grpc=https://127.0.0.1:3333 http=http://127.0.0.1:4444\n");
        var match = await waiting;

        Assert.Equal("https://127.0.0.1:3333", match.Groups["grpc"].Value);
    }

    [Fact]
    public async Task A_process_that_dies_first_is_reported_with_its_last_words()
    {
        using var dir = new TempDirectory();
        var log = dir.Combine("node.log");
        await File.WriteAllTextAsync(log, "secretfleet-node: --tls-dir /x/tls.crt does not exist\n");

        var error = await Assert.ThrowsAsync<CliException>(() => LogWatcher.WaitForLineAsync(
            log, 0, NodeLauncher.ReadyLine(), Me with { StartTicks = Me.StartTicks + 1 }, "Node node-3", TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None));

        Assert.Contains("Node node-3 exited before it was ready", error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains(log, error.Message);
    }
}
