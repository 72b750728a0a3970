using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretFleet.Node.Hosting;

namespace SecretFleet.Node.Tests.Hosting;

/// <summary>The node's flags as its host's configuration reads them (SECRETFLEET_* variables: NodeProgramTests).</summary>
[Trait("Category", "Unit")]
public sealed class NodeSettingsTests
{
    private static readonly string[] Required = ["--cluster", "c", "--ordinal", "2", "--threshold", "3", "--data-dir", "/data", "--tls-dir", "/tls", "--key-file", "/key"];

    private static NodeOptions Read(IEnumerable<string> args, string? hostname = null, string? logLevel = null)
    {
        if (!NodeFlags.All.TryNormalize([.. args], out var arguments, out var error))
        {
            throw new NodeConfigurationException(error!);
        }
        var configuration = NodeFlags.All.AddTo(new ConfigurationBuilder(), arguments);
        if (logLevel is not null)
        {
            // SECRETFLEET_LOG_LEVEL has no flag; its key set directly, without touching the process's environment
            // (the real variable, through the binary: NodeProgramTests).
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LOG_LEVEL"] = logLevel });
        }
        return NodeSettings.From(configuration.Build()).ToOptions(hostname);
    }

    [Fact]
    public void Every_flag_lands_in_the_options()
    {
        var o = Read([.. Required, "--listen", "127.0.0.1:7000", "--http-listen=127.0.0.1:7001", "--max-secret-bytes", "1024", "--operator-name", "op"]);

        Assert.Equal(("c", 2, (byte)3, 3), (o.Cluster, o.Ordinal, o.X, o.Threshold));
        Assert.Equal(("/data", "/tls", "/key"), (o.DataDirectory, o.TlsDirectory, o.KeyFile));
        Assert.Equal((IPEndPoint.Parse("127.0.0.1:7000"), IPEndPoint.Parse("127.0.0.1:7001"), 1024, "op"), (o.GrpcEndpoint, o.HttpEndpoint, o.MaxSecretBytes, o.OperatorName));
    }

    [Fact]
    public void Defaults_listen_on_every_interface_and_obey_the_default_operator()
    {
        var o = Read(Required);

        Assert.Equal((IPEndPoint.Parse("0.0.0.0:7443"), IPEndPoint.Parse("0.0.0.0:8080")), (o.GrpcEndpoint, o.HttpEndpoint));
        Assert.Equal((65536, "secretfleet-operator"), (o.MaxSecretBytes, o.OperatorName));
    }

    [Fact]
    public void Key_dir_holds_the_key_of_this_ordinal()
    {
        var o = Read(["--cluster", "c", "--ordinal", "4", "--threshold", "3", "--data-dir", "/data", "--tls-dir", "/tls", "--key-dir", "/keys"]);

        Assert.Equal(Path.Combine("/keys", "node-4.key"), o.KeyFile);
    }

    [Fact]
    public void Ordinal_from_hostname_is_a_switch_reading_the_pod_name()
    {
        var o = Read(["--ordinal-from-hostname", "--cluster", "c", "--threshold", "3", "--data-dir", "/data", "--tls-dir", "/tls", "--key-file", "/key"], hostname: "demo-7");

        Assert.Equal(("c", 7), (o.Cluster, o.Ordinal));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("True")]
    public void Ordinal_from_hostname_takes_true_in_any_case(string value)
    {
        var o = Read([$"--ordinal-from-hostname={value}", .. Required], hostname: "demo-7");

        Assert.Equal(7, o.Ordinal);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("")]
    public void Ordinal_from_hostname_false_or_empty_leaves_the_ordinal_flag_in_charge(string value)
    {
        var o = Read([$"--ordinal-from-hostname={value}", .. Required], hostname: "demo-7");

        Assert.Equal(2, o.Ordinal);
    }

    // The same spellings as the operator's --leader-elect (OperatorSettingsTests): one parser for both.
    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("1")]
    [InlineData("0")]
    public void Ordinal_from_hostname_refuses_every_spelling_but_true_and_false(string value)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => Read([$"--ordinal-from-hostname={value}", .. Required], hostname: "demo-7"));

        Assert.Equal($"--ordinal-from-hostname '{value}' must be true or false.", error.Message);
    }

    [Fact]
    public void The_log_level_is_information_unless_given() => Assert.Equal(LogLevel.Information, Read(Required).LogLevel);

    // The same spellings as the operator's --log-level (OperatorSettingsTests).
    [Theory]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("none", LogLevel.None)]
    public void The_log_level_takes_a_name_or_short_name_in_any_case(string value, LogLevel expected) =>
        Assert.Equal(expected, Read(Required, logLevel: value).LogLevel);

    [Theory]
    [InlineData("loud")]
    [InlineData("2")]
    [InlineData("")]
    public void A_bad_log_level_is_refused_naming_its_variable(string value)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => Read(Required, logLevel: value));

        Assert.Equal($"SECRETFLEET_LOG_LEVEL '{value}' must be trace, debug, information, warning, error, critical or none.", error.Message);
    }

    [Theory]
    [InlineData("--threshold 0", "--threshold '0' must be a whole number from 1 to 255.")]
    [InlineData("--ordinal 255", "--ordinal '255' must be a whole number from 0 to 254.")]
    [InlineData("--ordinal x", "--ordinal 'x' must be a whole number from 0 to 254.")]
    [InlineData("--listen localhost", "--listen 'localhost' must be IP:PORT, e.g. 0.0.0.0:7443 (port 0 picks a free one).")]
    [InlineData("--http-listen 1.2.3.4", "--http-listen '1.2.3.4' must be IP:PORT, e.g. 0.0.0.0:7443 (port 0 picks a free one).")]
    [InlineData("--max-secret-bytes 0", "--max-secret-bytes '0' must be a whole number from 1 to 16777216.")]
    [InlineData("--max-secret-bytes 16777217", "--max-secret-bytes '16777217' must be a whole number from 1 to 16777216.")]
    [InlineData("--max-secret-bytes 64k", "--max-secret-bytes '64k' must be a whole number from 1 to 16777216.")]
    [InlineData("--operator-name a/b", "--operator-name 'a/b' is not a valid identity name: use letters, digits, '.', '-' or '_'.")]
    [InlineData("--cluster=", "--cluster is required (or SECRETFLEET_CLUSTER).")]
    [InlineData("--ordinal-from-hostname", "--ordinal-from-hostname: HOSTNAME '' does not end in -N (a StatefulSet pod name).")]
    [InlineData("--ordinal-from-hostname=maybe", "--ordinal-from-hostname 'maybe' must be true or false.")]
    [InlineData("--frobnicate 1", "Unknown flag --frobnicate; see --help for the flags a node takes.")]
    [InlineData("stray", "Unexpected argument 'stray'; flags look like --data-dir PATH (see --help).")]
    [InlineData("--tls-dir", "--tls-dir needs a value.")]
    public void Each_bad_value_fails_with_one_sentence_naming_its_flag(string extra, string message)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => Read([.. Required, .. extra.Split(' ')]));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_missing_key_names_both_ways_to_give_it()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => Read(Required[..^2]));

        Assert.Equal("--key-file or --key-dir is required (or SECRETFLEET_KEY_FILE / SECRETFLEET_KEY_DIR).", error.Message);
    }
}
