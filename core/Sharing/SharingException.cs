namespace SecretFleet.Core.Sharing;

/// <summary>
/// Bad input to the sharing math (thresholds, x-coordinates, sizes) or shares that do not
/// reconstruct the committed secret. Messages name the input at fault and never contain
/// secret or share values.
/// </summary>
public sealed class SharingException : Exception
{
    /// <summary>Creates the exception with a message naming what is wrong.</summary>
    public SharingException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the fault underneath.</summary>
    public SharingException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Parameterless constructor for serializers; prefer one that names the input.</summary>
    public SharingException() : base("The sharing input is invalid.")
    {
    }
}
