using SecretFleet.Cli.Tests.Support;

namespace SecretFleet.Cli.Tests.Commands;

/// <summary>What verbs refuse before they contact any fleet.</summary>
[Trait("Category", "Unit")]
public sealed class VerbGuardTests
{
    [Fact]
    public async Task Recover_refuses_to_print_on_a_terminal_without_show()
    {
        var fleets = new NoFleet();

        var result = await InProcessCli.RunAsync(["recover", "db-password"], fleets, outputIsTerminal: true);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--show", result.Stderr);
        Assert.Contains("--to-file", result.Stderr);
        Assert.Equal(0, fleets.Opened);
    }

    [Theory]
    [InlineData("recover --show db-password")]
    [InlineData("recover db-password --to-file /tmp/x")]
    public async Task Recover_on_a_terminal_goes_ahead_with_show_or_a_file(string commandLine)
    {
        var fleets = new NoFleet();

        var result = await InProcessCli.RunAsync(commandLine.Split(' '), fleets, outputIsTerminal: true);

        Assert.Equal(1, fleets.Opened);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Delete_without_a_terminal_needs_yes()
    {
        var fleets = new NoFleet();

        var result = await InProcessCli.RunAsync(["delete", "db-password"], fleets);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--yes", result.Stderr);
        Assert.Equal(0, fleets.Opened);
    }

    [Theory]
    [InlineData("n", 0)]
    [InlineData("", 0)]
    [InlineData("y", 1)]
    public async Task Delete_on_a_terminal_asks_and_only_yes_goes_ahead(string answer, int opened)
    {
        var fleets = new NoFleet();

        await InProcessCli.RunAsync(["delete", "db-password"], fleets, inputIsTerminal: true, typed: _ => answer);

        Assert.Equal(opened, fleets.Opened);
    }

    [Fact]
    public async Task Store_checks_the_name_before_reading_the_value()
    {
        var fleets = new NoFleet();
        var asked = false;

        var result = await InProcessCli.RunAsync(["store", "no spaces/allowed"], fleets, inputIsTerminal: true, typed: _ =>
        {
            asked = true;
            return "typed";
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a valid secret name", result.Stderr);
        Assert.False(asked);
        Assert.Equal(0, fleets.Opened);
    }

    [Theory]
    [InlineData("store", "name\n")]
    [InlineData("recover", "name\n")]
    [InlineData("delete", "name\n")]
    [InlineData("store", "na\u001b[2Jme")]
    [InlineData("recover", "name\r")]
    public async Task A_name_with_a_trailing_newline_or_a_control_character_is_refused_on_one_line(string verb, string name)
    {
        var fleets = new NoFleet();

        string[] args = verb == "delete" ? [verb, name, "--yes"] : [verb, name];

        var result = await InProcessCli.RunAsync(args, fleets, stdin: [1]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a valid secret name", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\u001b', result.Stderr);
        Assert.Equal(0, fleets.Opened);
    }

    [Fact]
    public async Task Store_from_literal_warns_on_stderr_that_the_value_is_visible_without_repeating_it()
    {
        var result = await InProcessCli.RunAsync(["store", "db-password", "--from-literal", "hunter2-literal"], new NoFleet());

        var warning = Assert.Single(result.Stderr.Split('\n'), line => line.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("process list", warning);
        Assert.Contains("shell", warning);
        Assert.Contains("| kubectl secrets store NAME", warning);
        Assert.DoesNotContain("hunter2-literal", result.Stderr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Store_from_stdin_or_a_file_does_not_warn(bool fromFile)
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("value");
        await File.WriteAllTextAsync(file, "v");
        string[] args = fromFile ? ["store", "db-password", "--from-file", file] : ["store", "db-password"];

        var result = await InProcessCli.RunAsync(args, new NoFleet(), stdin: "v"u8.ToArray());

        Assert.DoesNotContain("warning:", result.Stderr);
        Assert.Equal(2, result.ExitCode); // it went on to open the (missing) fleet
    }

    [Fact]
    public async Task Store_prompts_on_a_terminal_without_echo()
    {
        bool? echoed = null;

        await InProcessCli.RunAsync(["store", "typed-secret"], new NoFleet(), inputIsTerminal: true, typed: echo =>
        {
            echoed = echo;
            return "hunter2";
        });

        Assert.False(echoed);
    }

    [Fact]
    public async Task Store_from_a_missing_file_is_a_usage_error_naming_the_file()
    {
        var result = await InProcessCli.RunAsync(["store", "x", "--from-file", "/nonexistent/secret.bin"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/secret.bin", result.Stderr);
    }
}
