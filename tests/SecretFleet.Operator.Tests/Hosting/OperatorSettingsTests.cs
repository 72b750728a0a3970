using Microsoft.Extensions.Logging;
using SecretFleet.Operator.Hosting;

namespace SecretFleet.Operator.Tests.Hosting;

/// <summary>The flags of <c>run</c> as the host's configuration reads them (SECRETFLEET_* variables are covered by OperatorProcessTests).</summary>
[Trait("Category", "Unit")]
public sealed class OperatorSettingsTests
{
    private static OperatorOptions Read(params string[] args) => OperatorSettings.Read(OperatorCommand.Parse(args).Arguments);

    [Fact]
    public void Every_flag_lands_in_the_options()
    {
        var o = Read(
            "--kubeconfig", "/etc/kube/config", "--context", "prod", "--namespace", "vault", "--node-image", "registry.example/node:2",
            "--leader-elect", "--lease-name", "sf", "--lease-namespace", "ops", "--metrics-listen", ":9090", "--health-listen=127.0.0.1:9091",
            "--workers", "8", "--log-level", "debug");

        Assert.Equal(("/etc/kube/config", "prod", "vault", "registry.example/node:2"), (o.Kubeconfig, o.Context, o.Namespace, o.NodeImage));
        Assert.Equal((true, "sf", "ops"), (o.LeaderElect, o.LeaseName, o.LeaseNamespace));
        Assert.Equal((":9090", "127.0.0.1:9091", 8, LogLevel.Debug), (o.MetricsListen, o.HealthListen, o.Workers, o.LogLevel));
    }

    [Fact]
    public void Defaults_watch_every_namespace_without_leader_election_and_run_the_matching_node_image()
    {
        var o = Read("run");

        Assert.Null(o.Namespace);
        Assert.False(o.LeaderElect);
        Assert.Equal($"ghcr.io/secretfleet/node:{OperatorVersion.Current}", o.NodeImage);
        Assert.Equal(("0.0.0.0:8080", "0.0.0.0:8081", 4), (o.MetricsListen, o.HealthListen, o.Workers));
    }

    [Theory]
    [InlineData("--leader-elect=false", false)]
    [InlineData("--leader-elect=true", true)]
    [InlineData("--leader-elect", true)]
    public void Leader_election_takes_an_optional_value(string flag, bool expected) =>
        Assert.Equal(expected, Read(flag).LeaderElect);

    [Fact]
    public void A_bare_switch_does_not_swallow_the_next_flag()
    {
        var o = Read("--leader-elect", "--workers", "3");

        Assert.Equal((true, 3), (o.LeaderElect, o.Workers));
    }

    [Fact]
    public void Empty_listen_addresses_turn_the_endpoints_off()
    {
        var o = Read("--metrics-listen", "", "--health-listen=");

        Assert.Equal(("", ""), (o.MetricsListen, o.HealthListen));
    }

    [Fact]
    public void Short_namespace_flag_is_the_namespace() => Assert.Equal("vault", Read("-n", "vault").Namespace);

    [Theory]
    [InlineData("--workers 0", "--workers '0' must be a whole number from 1 to 64")]
    [InlineData("--log-level loud", "--log-level 'loud' must be trace, debug")]
    [InlineData("--metrics-listen localhost", "--metrics-listen 'localhost' must be IP:PORT")]
    [InlineData("--leader-elect=maybe", "--leader-elect 'maybe' must be true or false")]
    [InlineData("--context", "--context needs a value")]
    [InlineData("--node-image=", "--node-image needs a non-empty value")]
    [InlineData("--frobnicate 1", "Unknown flag --frobnicate")]
    [InlineData("--namespace vault stray", "Unexpected argument 'stray'")]
    public void Bad_flags_fail_with_one_sentence_naming_the_flag(string args, string message)
    {
        var error = Assert.Throws<OperatorConfigurationException>(() => Read(args.Split(' ')));

        Assert.StartsWith(message, error.Message);
    }
}
