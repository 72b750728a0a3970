namespace SecretFleet.Node;

/// <summary>A setting, file or data directory the node cannot start with; the message says which and what to do.</summary>
internal sealed class NodeConfigurationException(string message, Exception? innerException = null) : Exception(message, innerException);
