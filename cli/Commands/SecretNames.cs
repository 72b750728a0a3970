using SecretFleet.Core.Naming;

namespace SecretFleet.Cli.Commands;

/// <summary>
/// The fleet's secret-name rule (<see cref="SecretName"/>), checked before the CLI reads a value
/// or prompts for one, so a typo fails before the user types a secret.
/// </summary>
internal static class SecretNames
{
    public static string Check(string name) => SecretName.IsValid(name)
        ? name
        : throw CliException.Usage($"{SecretName.Quote(name)} is not a valid secret name: use {SecretName.Rule}.");
}
