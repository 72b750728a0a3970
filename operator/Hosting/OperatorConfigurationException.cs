namespace SecretFleet.Operator.Hosting;

/// <summary>The operator cannot start with the flags or configuration it was given; the message names the input at fault.</summary>
public sealed class OperatorConfigurationException : Exception
{
    public OperatorConfigurationException()
    {
    }

    public OperatorConfigurationException(string message)
        : base(message)
    {
    }

    public OperatorConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
