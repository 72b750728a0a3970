namespace SecretFleet.Core.Identity;

/// <summary>
/// Certificates or keys could not be loaded, written or used. The message names the file (or
/// PEM input) at fault and says what to do.
/// </summary>
public sealed class TlsMaterialException : Exception
{
    /// <summary>Creates the exception with a message naming the input at fault.</summary>
    public TlsMaterialException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message naming the input at fault and its cause.</summary>
    public TlsMaterialException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
