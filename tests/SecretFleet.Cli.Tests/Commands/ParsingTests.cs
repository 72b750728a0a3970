using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Output;
using SecretFleet.Cli.Tests.Support;

namespace SecretFleet.Cli.Tests.Commands;

[Trait("Category", "Unit")]
public sealed class ParsingTests
{
    private static GlobalSettings Globals(params string[] args)
    {
        var host = new CliHost(null!, TimeProvider.System, new NoFleet());
        var root = CliRootCommand.Create(host, out var globals);
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        return globals.Read(parse);
    }

    [Fact]
    public async Task Help_lists_the_verbs_and_documents_every_exit_code()
    {
        var help = await InProcessCli.RunAsync(["--help"]);

        Assert.Equal(0, help.ExitCode);
        foreach (var verb in new[] { "store", "recover", "list", "delete", "status", "refresh", "local" })
        {
            Assert.Contains(verb, help.Stdout);
        }
        foreach (var code in new[] { "0  success", "1  usage", "2  not found", "3  not enough nodes", "4  permission denied", "5  other" })
        {
            Assert.Contains(code, help.Stdout);
        }
        Assert.DoesNotContain("debug", help.Stdout);
    }

    [Fact]
    public async Task Local_help_lists_up_down_status_scale_but_not_the_hidden_coordinator()
    {
        var help = await InProcessCli.RunAsync(["local", "--help"]);

        var commands = help.Stdout.Split('\n').Select(l => l.Trim().Split(' ')[0]).ToHashSet();
        Assert.Contains("up", commands);
        Assert.Contains("down", commands);
        Assert.Contains("status", commands);
        Assert.Contains("scale", commands);
        Assert.DoesNotContain("coordinator", commands);
    }

    [Theory]
    [InlineData("local scale --nodes 2 --threshold 3", "--threshold 3 must be from 1 to the number of nodes (2)")]
    [InlineData("local scale --nodes 0", "--nodes 0 is out of range")]
    [InlineData("local scale --threshold 2", "--nodes")]
    public async Task Local_scale_refuses_an_impossible_shape_before_touching_any_fleet(string args, string expected)
    {
        var result = await InProcessCli.RunAsync(args.Split(' '));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
    }

    [Fact]
    public async Task No_arguments_shows_the_help()
    {
        var result = await InProcessCli.RunAsync([]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout);
    }

    [Theory]
    [InlineData("store x --from-literal a --from-file b", "either --from-literal or --from-file")]
    [InlineData("status -o yaml", "'yaml'")]
    [InlineData("list --connect tunnel", "'tunnel'")]
    [InlineData("recover", "Required argument missing")]
    [InlineData("frobnicate", "'frobnicate'")]
    [InlineData("local up --nodes many", "many")]
    public async Task Bad_command_lines_exit_1_with_one_line_on_stderr(string commandLine, string expected)
    {
        var result = await InProcessCli.RunAsync(commandLine.Split(' '));

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StdoutBytes);
        Assert.Contains(expected, result.Stderr);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", result.Stderr);
    }

    [Fact]
    public void Global_flags_parse_like_kubectl_and_work_after_the_verb()
    {
        var settings = Globals("status", "--cluster", "demo", "-n", "vault", "--context", "prod", "--kubeconfig", "/k", "--connect", "port-forward", "-o", "json");

        Assert.Equal("demo", settings.Cluster);
        Assert.Equal("vault", settings.Namespace);
        Assert.Equal("prod", settings.Context);
        Assert.Equal("/k", settings.Kubeconfig);
        Assert.Equal(ConnectMode.PortForward, settings.Connect);
        Assert.Equal(OutputFormat.Json, settings.Output);
    }

    [Fact]
    public void Defaults_are_auto_connect_and_tables()
    {
        var settings = Globals("list");

        Assert.Null(settings.Cluster);
        Assert.Equal(ConnectMode.Auto, settings.Connect);
        Assert.Equal(OutputFormat.Table, settings.Output);
    }

    [Fact]
    public async Task A_positional_cluster_that_disagrees_with_the_flag_is_a_usage_error()
    {
        var fleets = new NoFleet();
        var result = await InProcessCli.RunAsync(["status", "one", "--cluster", "two"], fleets);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("disagree", result.Stderr);
        Assert.Equal(0, fleets.Opened);
    }

    [Theory]
    [InlineData("--timeout soon")]
    [InlineData("--timeout 0s")]
    public async Task Refresh_rejects_a_bad_timeout_before_contacting_the_fleet(string flags)
    {
        var fleets = new NoFleet();
        var result = await InProcessCli.RunAsync(["refresh", .. flags.Split(' ')], fleets);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--timeout", result.Stderr);
        Assert.Equal(0, fleets.Opened);
    }
}
