namespace SecretFleet.KubeEmulator;

/// <summary>A DeleteOptions body (or its query parameters): propagation policy, preconditions, dry run, grace period.</summary>
internal sealed record DeleteOptions(
    string? PropagationPolicy = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false, long? GracePeriodSeconds = null)
{
    public const string Foreground = "Foreground";
    public const string Background = "Background";
    public const string Orphan = "Orphan";

    public static DeleteOptions Default { get; } = new();
}
