namespace SecretFleet.Core.Configuration;

/// <summary>One flag of a program, e.g. <c>--data-dir</c>.</summary>
/// <param name="Name">The flag without its dashes: <c>data-dir</c>.</param>
/// <param name="IsSwitch">True for a flag that may stand alone (<c>--leader-elect</c> means <c>--leader-elect=true</c>).</param>
/// <param name="ShortName">A one-letter alias without its dash, e.g. <c>n</c> for <c>-n</c>.</param>
public sealed record CommandLineFlag(string Name, bool IsSwitch = false, string? ShortName = null)
{
    /// <summary>
    /// The configuration key, and the environment variable's name after the prefix:
    /// <c>data-dir</c> is <c>DATA_DIR</c>, so <c>--data-dir</c> and <c>SECRETFLEET_DATA_DIR</c> set the same key.
    /// </summary>
    public string Key => Name.Replace('-', '_').ToUpperInvariant();
}
