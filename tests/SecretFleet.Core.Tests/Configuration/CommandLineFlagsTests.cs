using Microsoft.Extensions.Configuration;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Core.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class CommandLineFlagsTests : IDisposable
{
    // A prefix of this test's own, so the variables it sets reach no other test's configuration.
    private readonly string _prefix = $"SFTEST_{Guid.NewGuid():N}_";
    private readonly List<string> _variables = [];

    private CommandLineFlags Flags() => new(
        _prefix, [new("data-dir"), new("leader-elect", IsSwitch: true), new("namespace", ShortName: "n")], example: "--data-dir PATH", unknownFlagHint: " (see --help).");

    private IConfigurationRoot Read(params string[] args)
    {
        var flags = Flags();
        Assert.True(flags.TryNormalize(args, out var normalized, out var error), error);
        return flags.AddTo(new ConfigurationBuilder(), normalized).Build();
    }

    private void SetVariable(string key, string value)
    {
        Environment.SetEnvironmentVariable(_prefix + key, value);
        _variables.Add(_prefix + key);
    }

    public void Dispose()
    {
        foreach (var variable in _variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_variable_alone_sets_the_flags_key()
    {
        SetVariable("DATA_DIR", "/from-env");

        Assert.Equal("/from-env", Read()["DATA_DIR"]);
    }

    [Fact]
    public void A_flag_beats_its_variable()
    {
        SetVariable("DATA_DIR", "/from-env");

        Assert.Equal("/from-flag", Read("--data-dir", "/from-flag")["DATA_DIR"]);
        Assert.Equal("/inline", Read("--data-dir=/inline")["DATA_DIR"]);
    }

    [Fact]
    public void A_bare_switch_is_true_and_leaves_the_next_flag_alone()
    {
        var configuration = Read("--leader-elect", "-n", "vault");

        Assert.Equal(("true", "vault"), (configuration["LEADER_ELECT"], configuration["NAMESPACE"]));
    }

    [Fact]
    public void An_empty_value_is_kept_apart_from_a_missing_one()
    {
        var configuration = Read("--namespace=");

        Assert.Equal(("", null), (configuration["NAMESPACE"], configuration["DATA_DIR"]));
    }

    [Theory]
    [InlineData("--frobnicate 1", "Unknown flag --frobnicate (see --help).")]
    [InlineData("stray", "Unexpected argument 'stray'; flags look like --data-dir PATH (see --help).")]
    [InlineData("-x", "Unexpected argument '-x'; flags look like --data-dir PATH (see --help).")]
    [InlineData("--data-dir", "--data-dir needs a value.")]
    public void What_the_provider_would_skip_is_refused_naming_the_argument(string args, string message)
    {
        Assert.False(Flags().TryNormalize(args.Split(' '), out _, out var error));

        Assert.Equal(message, error);
    }

    [Fact]
    public void The_variable_of_a_flag_is_the_prefix_and_its_key() =>
        Assert.Equal(_prefix + "DATA_DIR", Flags().EnvironmentVariable("data-dir"));

    [Fact]
    public void A_value_from_the_environment_is_named_by_its_variable()
    {
        SetVariable("DATA_DIR", "/from-env");

        Assert.Equal(_prefix + "DATA_DIR", Flags().NameOf(Read("-n", "vault"), "data-dir"));
    }

    [Fact]
    public void A_value_from_the_command_line_is_named_by_its_flag_even_over_a_variable()
    {
        SetVariable("DATA_DIR", "/from-env");

        Assert.Equal("--data-dir", Flags().NameOf(Read("--data-dir", "/from-flag"), "data-dir"));
        Assert.Equal("--namespace", Flags().NameOf(Read("-n", "vault"), "namespace"));
    }

    [Fact]
    public void A_setting_without_a_flag_is_named_by_its_variable() =>
        Assert.Equal(_prefix + "LOG_LEVEL", Flags().NameOf(Read(), "log-level"));
}
