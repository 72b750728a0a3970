using Microsoft.Extensions.Configuration;
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
    public void The_node_image_allow_list_and_the_network_policy_namespaces_land_in_the_options()
    {
        var digest = "registry.example/node@sha256:" + new string('a', 64);
        var o = Read("--allowed-node-images", $"registry.example/node:2,localhost:5000/team/node_x:v1.2-rc.1,{digest}",
            "--operator-namespace", "ops", "--node-metrics-namespace=monitoring");

        Assert.Equal(["registry.example/node:2", "localhost:5000/team/node_x:v1.2-rc.1", digest], o.AllowedNodeImages);
        Assert.Equal(("ops", "monitoring"), (o.OperatorNamespace, o.NodeMetricsNamespace));
    }

    [Fact]
    public void By_default_only_the_default_image_is_allowed_and_the_namespaces_are_left_to_the_host()
    {
        var o = Read("run");

        Assert.Empty(o.AllowedNodeImages);
        Assert.Empty(Read("--allowed-node-images=").AllowedNodeImages);
        Assert.Equal((null, null), (o.OperatorNamespace, o.NodeMetricsNamespace));
    }

    [Fact]
    public void A_malformed_allow_list_from_the_environment_is_named_by_its_variable()
    {
        var prefix = $"SFTEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "ALLOWED_NODE_IMAGES", "registry.example/node:2, evil:1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var error = Assert.Throws<OperatorConfigurationException>(() => OperatorSettings.From(configuration).ToOptions());

            Assert.StartsWith("SECRETFLEET_ALLOWED_NODE_IMAGES 'registry.example/node:2, evil:1' has ' evil:1', which is not an image reference", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "ALLOWED_NODE_IMAGES", null);
        }
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
    [InlineData("--leader-elect=TRUE", true)]
    [InlineData("--leader-elect=False", false)]
    public void Leader_election_takes_an_optional_true_or_false_in_any_case(string flag, bool expected) =>
        Assert.Equal(expected, Read(flag).LeaderElect);

    // The same spellings as the node's --ordinal-from-hostname (NodeSettingsTests): one parser for both.
    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("1")]
    [InlineData("0")]
    public void Leader_election_refuses_every_spelling_but_true_and_false(string value)
    {
        var error = Assert.Throws<OperatorConfigurationException>(() => Read($"--leader-elect={value}"));

        Assert.Equal($"--leader-elect '{value}' must be true or false.", error.Message);
    }

    // The same spellings as the node's SECRETFLEET_LOG_LEVEL (NodeSettingsTests).
    [Theory]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("none", LogLevel.None)]
    public void The_log_level_takes_a_name_or_short_name_in_any_case(string value, LogLevel expected) =>
        Assert.Equal(expected, Read("--log-level", value).LogLevel);

    [Fact]
    public void A_bad_value_from_the_environment_is_named_by_its_variable()
    {
        // A prefix of this test's own stands for SECRETFLEET_, so that no other test reads the variable.
        var prefix = $"SFTEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "WORKERS", "zero");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var error = Assert.Throws<OperatorConfigurationException>(() => OperatorSettings.From(configuration).ToOptions());

            Assert.Equal("SECRETFLEET_WORKERS 'zero' must be a whole number from 1 to 64.", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "WORKERS", null);
        }
    }

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
    [InlineData("--workers 0", "--workers '0' must be a whole number from 1 to 64.")]
    [InlineData("--workers 65", "--workers '65' must be a whole number from 1 to 64.")]
    [InlineData("--workers four", "--workers 'four' must be a whole number from 1 to 64.")]
    [InlineData("--log-level loud", "--log-level 'loud' must be trace, debug, information, warning, error, critical or none.")]
    [InlineData("--log-level 2", "--log-level '2' must be trace, debug, information, warning, error, critical or none.")]
    [InlineData("--metrics-listen localhost", "--metrics-listen 'localhost' must be IP:PORT")]
    [InlineData("--leader-elect=maybe", "--leader-elect 'maybe' must be true or false")]
    [InlineData("--context", "--context needs a value")]
    [InlineData("--node-image=", "--node-image needs a non-empty value")]
    [InlineData("--allowed-node-images a:1,,b:2", "--allowed-node-images 'a:1,,b:2' has an empty entry")]
    [InlineData("--allowed-node-images a:1,", "--allowed-node-images 'a:1,' has an empty entry")]
    [InlineData("--allowed-node-images Registry/Node:1", "--allowed-node-images 'Registry/Node:1' has 'Registry/Node:1', which is not an image reference")]
    [InlineData("--allowed-node-images node:1;rm", "--allowed-node-images 'node:1;rm' has 'node:1;rm', which is not an image reference")]
    [InlineData("--allowed-node-images node@sha256:abc", "--allowed-node-images 'node@sha256:abc' has 'node@sha256:abc', which is not an image reference")]
    [InlineData("--operator-namespace=", "--operator-namespace needs a non-empty value")]
    [InlineData("--node-metrics-namespace=", "--node-metrics-namespace needs a non-empty value")]
    [InlineData("--frobnicate 1", "Unknown flag --frobnicate")]
    [InlineData("--namespace vault stray", "Unexpected argument 'stray'")]
    public void Bad_flags_fail_with_one_sentence_naming_the_flag(string args, string message)
    {
        var error = Assert.Throws<OperatorConfigurationException>(() => Read(args.Split(' ')));

        Assert.StartsWith(message, error.Message);
    }
}
