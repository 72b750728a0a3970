using System.Text.RegularExpressions;

namespace SecretFleet.Cli.Commands;

/// <summary>
/// The secret-name rule of the fleet client, checked before the CLI reads a value or prompts for
/// one, so a typo fails before the user types a secret.
/// </summary>
internal static partial class SecretNames
{
    public static string Check(string name) => Valid().IsMatch(name)
        ? name
        : throw CliException.Usage($"'{name}' is not a valid secret name: use 1-253 letters, digits, '.', '_' or '-', starting with a letter or digit.");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")]
    private static partial Regex Valid();
}
