namespace SecretFleet.Kube.Config;

/// <summary>What the user chose on the command line (kubectl's --kubeconfig, --context, -n).</summary>
public sealed record KubeConfigOptions
{
    /// <summary>--kubeconfig: this one file, which must exist; KUBECONFIG and in-cluster are ignored.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>--context: instead of current-context.</summary>
    public string? Context { get; init; }

    /// <summary>-n: instead of the context's namespace.</summary>
    public string? Namespace { get; init; }
}
