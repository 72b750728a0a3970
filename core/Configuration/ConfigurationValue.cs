using System.Globalization;
using Level = Microsoft.Extensions.Logging.LogLevel;

namespace SecretFleet.Core.Configuration;

/// <summary>
/// Parsers for the text of a flag or SECRETFLEET_* variable, shared by the node and the operator so that both
/// accept the same spellings and refuse a bad value the same way.
/// </summary>
/// <remarks>
/// Each takes <c>name</c>, what the user typed to give the value (<c>--workers</c> or <c>SECRETFLEET_WORKERS</c>,
/// see <see cref="CommandLineFlags.NameOf"/>), and throws <see cref="ConfigurationValueException"/> whose message
/// reads <c>NAME 'VALUE' must be …</c>. No parser trims: a stray space in a variable is refused, not guessed at.
/// </remarks>
public static class ConfigurationValue
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>: digits only, no sign.</summary>
    /// <exception cref="ConfigurationValueException">Not digits, or out of range.</exception>
    public static int Integer(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ConfigurationValueException($"{name} '{text}' must be a whole number from {min} to {max}.");

    /// <summary><c>true</c> or <c>false</c>, in any case; nothing else (no yes/no, no 1/0), so what a manifest says is what it means.</summary>
    /// <exception cref="ConfigurationValueException">Any other text.</exception>
    public static bool Boolean(string name, string text) => text.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new ConfigurationValueException($"{name} '{text}' must be true or false."),
    };

    /// <summary>
    /// trace, debug, information (or info), warning (or warn), error, critical or none, in any case. Not the
    /// enum's numbers: <c>Enum.TryParse</c> would take any integer, even one that is no level.
    /// </summary>
    /// <exception cref="ConfigurationValueException">Any other text.</exception>
    public static Level LogLevel(string name, string text) => text.ToLowerInvariant() switch
    {
        "trace" => Level.Trace,
        "debug" => Level.Debug,
        "info" or "information" => Level.Information,
        "warn" or "warning" => Level.Warning,
        "error" => Level.Error,
        "critical" => Level.Critical,
        "none" => Level.None,
        _ => throw new ConfigurationValueException($"{name} '{text}' must be trace, debug, information, warning, error, critical or none."),
    };
}
