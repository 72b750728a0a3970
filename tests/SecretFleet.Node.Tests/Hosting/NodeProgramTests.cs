using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Hosting;

/// <summary>The secretfleet-node binary's configuration: SECRETFLEET_* variables, flags over them, exit 2 on a bad value.</summary>
[Trait("Category", "Integration")]
public sealed class NodeProgramTests
{
    [Fact]
    public async Task Environment_alone_configures_a_node_and_a_flag_beats_the_environment()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 1, threshold: 1);
        await fleet.StopNodeAsync(1, crash: false);
        var environment = new Dictionary<string, string>
        {
            ["SECRETFLEET_CLUSTER"] = "test",
            ["SECRETFLEET_ORDINAL"] = "0",
            ["SECRETFLEET_THRESHOLD"] = "0", // not a threshold a node accepts: the flag below must win
            ["SECRETFLEET_DATA_DIR"] = fleet.DataDirectory(1),
            ["SECRETFLEET_TLS_DIR"] = Path.Combine(fleet.NodeDirectory(1), "tls"),
            ["SECRETFLEET_KEY_FILE"] = fleet.KeyFile(1),
            ["SECRETFLEET_LISTEN"] = "127.0.0.1:0",
            ["SECRETFLEET_HTTP_LISTEN"] = "127.0.0.1:0",
            ["SECRETFLEET_OPERATOR_NAME"] = ProcessFleet.OperatorName,
        };

        await using var node = await NodeProcess.StartAsync(["--threshold", "1"], x: 1, environment);
        using var http = new HttpClient();
        var ready = await http.GetStringAsync(new Uri(node.Http, "/readyz"));
        await node.StopAsync();

        Assert.Contains("\"x\":1", ready);
        Assert.Contains("\"member\":true", ready);
    }

    // Every setting a node needs, pointing nowhere: the tests below must fail on the value at fault, before any file is read.
    private static readonly string[] Nowhere =
        ["--cluster", "c", "--ordinal", "0", "--threshold", "1", "--data-dir", "/nonexistent", "--tls-dir", "/nonexistent", "--key-file", "/nonexistent"];

    [Fact]
    public async Task A_bad_value_from_the_environment_exits_2_naming_its_variable()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(Nowhere, new Dictionary<string, string> { ["SECRETFLEET_MAX_SECRET_BYTES"] = "lots" });

        Assert.Equal(2, code);
        Assert.Equal("secretfleet-node: SECRETFLEET_MAX_SECRET_BYTES 'lots' must be a whole number from 1 to 16777216.", output.Trim());
    }

    [Fact]
    public async Task A_bad_flag_over_a_good_variable_exits_2_naming_the_flag()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(
            [.. Nowhere, "--max-secret-bytes", "lots"], new Dictionary<string, string> { ["SECRETFLEET_MAX_SECRET_BYTES"] = "1024" });

        Assert.Equal(2, code);
        Assert.Equal("secretfleet-node: --max-secret-bytes 'lots' must be a whole number from 1 to 16777216.", output.Trim());
    }

    [Fact]
    public async Task A_bad_log_level_exits_2_instead_of_logging_at_information()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(Nowhere, new Dictionary<string, string> { ["SECRETFLEET_LOG_LEVEL"] = "loud" });

        Assert.Equal(2, code);
        Assert.Equal("secretfleet-node: SECRETFLEET_LOG_LEVEL 'loud' must be trace, debug, information, warning, error, critical or none.", output.Trim());
    }

    [Fact]
    public async Task An_unknown_flag_exits_2_naming_it()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(["--cheat", "flip-sub-share"]);

        Assert.Equal(2, code);
        Assert.Equal("secretfleet-node: Unknown flag --cheat; see --help for the flags a node takes.", output.Trim());
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(["--help"]);

        Assert.Equal(0, code);
        Assert.Contains("--data-dir PATH         share database directory (SECRETFLEET_DATA_DIR)", output);
        Assert.DoesNotContain("cheat", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SIGTERM_stops_the_node_gracefully_with_exit_code_0()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 1, threshold: 1);

        await fleet[1].StopAsync();

        Assert.Equal(0, fleet[1].ExitCode);
    }
}
