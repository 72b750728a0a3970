using Microsoft.Extensions.Logging;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Core.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class ConfigurationValueTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("64", 64)]
    [InlineData("007", 7)]
    public void An_integer_in_range_is_its_value(string text, int expected) =>
        Assert.Equal(expected, ConfigurationValue.Integer("--workers", text, 1, 64));

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("zero")]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+3")]
    [InlineData(" 3")]
    [InlineData("3.0")]
    [InlineData("99999999999")]
    public void An_integer_out_of_range_or_not_digits_is_refused_naming_what_was_typed(string text)
    {
        var error = Assert.Throws<ConfigurationValueException>(() => ConfigurationValue.Integer("SECRETFLEET_WORKERS", text, 1, 64));

        Assert.Equal($"SECRETFLEET_WORKERS '{text}' must be a whole number from 1 to 64.", error.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void A_boolean_is_true_or_false_in_any_case(string text, bool expected) =>
        Assert.Equal(expected, ConfigurationValue.Boolean("--leader-elect", text));

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("on")]
    [InlineData("")]
    [InlineData(" true")]
    public void Any_other_boolean_spelling_is_refused(string text)
    {
        var error = Assert.Throws<ConfigurationValueException>(() => ConfigurationValue.Boolean("--leader-elect", text));

        Assert.Equal($"--leader-elect '{text}' must be true or false.", error.Message);
    }

    [Theory]
    [InlineData("trace", LogLevel.Trace)]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("WARNING", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("critical", LogLevel.Critical)]
    [InlineData("none", LogLevel.None)]
    public void A_log_level_is_its_name_or_short_name_in_any_case(string text, LogLevel expected) =>
        Assert.Equal(expected, ConfigurationValue.LogLevel("--log-level", text));

    [Theory]
    [InlineData("loud")]
    [InlineData("2")]
    [InlineData("42")]
    [InlineData("")]
    [InlineData("Trace, Debug")]
    public void Any_other_log_level_is_refused_listing_the_levels(string text)
    {
        var error = Assert.Throws<ConfigurationValueException>(() => ConfigurationValue.LogLevel("SECRETFLEET_LOG_LEVEL", text));

        Assert.Equal($"SECRETFLEET_LOG_LEVEL '{text}' must be trace, debug, information, warning, error, critical or none.", error.Message);
    }
}
