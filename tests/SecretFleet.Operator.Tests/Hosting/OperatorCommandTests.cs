using SecretFleet.Operator.Hosting;

namespace SecretFleet.Operator.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class OperatorCommandTests
{
    [Fact]
    public void Run_is_the_default_command_and_keeps_its_flags_for_the_configuration()
    {
        var command = OperatorCommand.Parse(["--workers", "2"]);

        Assert.Equal("run", command.Verb);
        Assert.Equal(["--workers", "2"], command.Arguments);
    }

    [Theory]
    [InlineData("serve", "Unknown command 'serve'")]
    [InlineData("generate-crds", "generate-crds takes one argument")]
    [InlineData("version now", "version takes no arguments")]
    public void Bad_commands_fail_with_one_sentence(string args, string message)
    {
        var error = Assert.Throws<OperatorConfigurationException>(() => OperatorCommand.Parse(args.Split(' ')));

        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run --workers 2 -h")]
    [InlineData("help")]
    public void Help_anywhere_asks_for_the_usage(string args) =>
        Assert.Equal("help", OperatorCommand.Parse(args.Split(' ')).Verb);

    [Fact]
    public void Render_keeps_its_flags_for_the_render_command()
    {
        var command = OperatorCommand.Parse(["render", "-f", "cluster.yaml", "-o", "json"]);

        Assert.Equal("render", command.Verb);
        Assert.Equal(["-f", "cluster.yaml", "-o", "json"], command.Arguments);
    }

    [Fact]
    public void Generate_crds_takes_the_directory()
    {
        var command = OperatorCommand.Parse(["generate-crds", "out/crds"]);

        Assert.Equal(("generate-crds", "out/crds"), (command.Verb, command.Arguments[0]));
    }
}
