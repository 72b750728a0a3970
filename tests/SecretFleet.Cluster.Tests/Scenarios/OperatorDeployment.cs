namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// Where the Helm chart (<c>charts/secretfleet-operator</c>) puts the operator on a real cluster: e2e.sh installs
/// release <c>secretfleet-operator</c> (the Deployment takes the release name) into this namespace; the k3d backend
/// restarts and reads it here.
/// </summary>
internal static class OperatorDeployment
{
    public static string Namespace => Environment.GetEnvironmentVariable("SECRETFLEET_OPERATOR_NAMESPACE") ?? "secretfleet-system";

    public static string Name => Environment.GetEnvironmentVariable("SECRETFLEET_OPERATOR_DEPLOYMENT") ?? "secretfleet-operator";

    /// <summary>The operator pods: the chart labels them with the release name and component operator.</summary>
    public static string Selector => $"app.kubernetes.io/instance={Name},app.kubernetes.io/component=operator";
}
