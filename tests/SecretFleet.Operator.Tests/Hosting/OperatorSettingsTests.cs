using Microsoft.Extensions.Logging;
using SecretFleet.Operator.Hosting;

namespace SecretFleet.Operator.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class OperatorArgumentsTests
{
    [Fact]
    public void Run_is_the_default_command_and_every_flag_lands_in_the_options()
    {
        var command = OperatorArguments.Parse([
            "--kubeconfig", "/etc/kube/config", "--context", "prod", "--namespace", "vault", "--node-image", "registry.example/node:2",
            "--leader-elect", "--lease-name", "sf", "--lease-namespace", "ops", "--metrics-listen", ":9090", "--health-listen=127.0.0.1:9091",
            "--workers", "8", "--log-level", "debug"]);

        Assert.Equal("run", command.Verb);
        var o = command.Options;
        Assert.Equal(("/etc/kube/config", "prod", "vault", "registry.example/node:2"), (o.Kubeconfig, o.Context, o.Namespace, o.NodeImage));
        Assert.Equal((true, "sf", "ops"), (o.LeaderElect, o.LeaseName, o.LeaseNamespace));
        Assert.Equal((":9090", "127.0.0.1:9091", 8, LogLevel.Debug), (o.MetricsListen, o.HealthListen, o.Workers, o.LogLevel));
    }

    [Fact]
    public void Defaults_watch_every_namespace_without_leader_election_and_run_the_matching_node_image()
    {
        var o = OperatorArguments.Parse(["run"]).Options;

        Assert.Null(o.Namespace);
        Assert.False(o.LeaderElect);
        Assert.Equal($"ghcr.io/secretfleet/node:{OperatorVersion.Current}", o.NodeImage);
        Assert.Equal(("0.0.0.0:8080", "0.0.0.0:8081"), (o.MetricsListen, o.HealthListen));
    }

    [Theory]
    [InlineData("--leader-elect=false", false)]
    [InlineData("--leader-elect=true", true)]
    public void Leader_election_takes_an_optional_value(string flag, bool expected) =>
        Assert.Equal(expected, OperatorArguments.Parse([flag]).Options.LeaderElect);

    [Fact]
    public void Empty_listen_addresses_turn_the_endpoints_off()
    {
        var o = OperatorArguments.Parse(["--metrics-listen", "", "--health-listen="]).Options;

        Assert.Equal(("", ""), (o.MetricsListen, o.HealthListen));
    }

    [Theory]
    [InlineData("--workers 0", "--workers '0' must be a whole number from 1 to 64")]
    [InlineData("--log-level loud", "--log-level 'loud' must be trace, debug")]
    [InlineData("--metrics-listen localhost", "--metrics-listen 'localhost' must be IP:PORT")]
    [InlineData("--leader-elect=maybe", "--leader-elect 'maybe' must be true or false")]
    [InlineData("--context", "--context needs a value")]
    [InlineData("--frobnicate 1", "Unknown flag --frobnicate")]
    [InlineData("serve", "Unknown command 'serve'")]
    [InlineData("generate-crds", "generate-crds takes one argument")]
    public void Bad_arguments_fail_with_one_sentence_naming_the_flag(string args, string message)
    {
        var error = Assert.Throws<OperatorConfigurationException>(() => OperatorArguments.Parse(args.Split(' ')));

        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run --workers 2 -h")]
    [InlineData("help")]
    public void Help_anywhere_asks_for_the_usage(string args) =>
        Assert.Equal("help", OperatorArguments.Parse(args.Split(' ')).Verb);

    [Fact]
    public void Generate_crds_takes_the_directory()
    {
        var command = OperatorArguments.Parse(["generate-crds", "out/crds"]);

        Assert.Equal(("generate-crds", "out/crds"), (command.Verb, command.Directory));
    }
}
