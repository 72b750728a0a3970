namespace SecretFleet.Core.Configuration;

/// <summary>
/// A flag or SECRETFLEET_* variable holds a value that cannot be used; the message is one sentence naming it,
/// the value, and what to give instead. The node and the operator turn it into their own exit 2.
/// </summary>
public sealed class ConfigurationValueException : Exception
{
    public ConfigurationValueException()
    {
    }

    public ConfigurationValueException(string message)
        : base(message)
    {
    }

    public ConfigurationValueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
