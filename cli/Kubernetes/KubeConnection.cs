namespace SecretFleet.Cli.Kubernetes;

/// <summary>The user's choice of cluster connection (kubectl's flags), passed on to `kubectl port-forward`.</summary>
internal sealed record KubeConnection(string Namespace, string? Context, string? KubeconfigPath)
{
    /// <summary>The kubectl program that port-forwards (tests substitute a stand-in).</summary>
    public string Kubectl { get; init; } = "kubectl";
}
