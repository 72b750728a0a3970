namespace SecretFleet.KubeEmulator;

/// <summary>A container's launch plan, or why it cannot start (a container waiting reason and message, as kubectl shows them).</summary>
internal sealed record LaunchResult(LaunchPlan? Plan, string Reason, string Message)
{
    public static LaunchResult Ok(LaunchPlan plan) => new(plan, "", "");

    public static LaunchResult Fail(string reason, string message) => new(null, reason, message);
}
