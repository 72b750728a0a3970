namespace SecretFleet.Kube.Config;

/// <summary>The kubeconfig or in-cluster configuration is missing or wrong; the message names the file, context or field.</summary>
public sealed class KubeConfigException : Exception
{
    public KubeConfigException()
        : base("The Kubernetes client configuration is invalid.")
    {
    }

    public KubeConfigException(string message)
        : base(message)
    {
    }

    public KubeConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
