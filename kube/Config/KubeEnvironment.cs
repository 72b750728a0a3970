namespace SecretFleet.Kube.Config;

/// <summary>Where configuration comes from: environment variables and the root paths. Tests replace all of it.</summary>
public sealed record KubeEnvironment
{
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The home directory, for ~/.kube/config.</summary>
    public string HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The mounted service account: token, ca.crt, namespace.</summary>
    public string ServiceAccountDirectory { get; init; } = DefaultServiceAccountDirectory;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public static KubeEnvironment Process { get; } = new();
}
