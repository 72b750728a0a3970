using SecretFleet.KubeEmulator;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// Where the scenario suite runs: the in-repo emulated cluster (the default) or a real k3d cluster that
/// <c>make e2e</c> prepared. The story itself only talks to the Kubernetes API, kubectl and <c>kubectl secrets</c>.
/// </summary>
/// <summary>A non-admin user: their kubeconfig and the RoleBinding subject (YAML, one list item) that names them.</summary>
internal sealed record ScenarioUser(string Kubeconfig, string Subject);

internal interface IScenarioBackend : IAsyncDisposable
{
    /// <summary>Shown in failure messages.</summary>
    string Name { get; }

    string Kubeconfig { get; }

    /// <summary>A scratch directory of this run (manifests, kubectl cache).</summary>
    string Directory { get; }

    Kubectl Kubectl { get; }

    /// <summary>How <c>kubectl secrets</c> reaches node pods: <c>port-forward</c> (emulated and k3d) or <c>direct</c>.</summary>
    string Connect { get; }

    /// <summary>The CRD and a running operator (emulated: applied and started here; k3d: installed by Helm, checked here).</summary>
    Task InstallAsync(CancellationToken cancellationToken);

    /// <summary>Kills the operator without warning and brings it back.</summary>
    Task RestartOperatorAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A kubeconfig for a user with no rights of their own yet, and that user's subject for a RoleBinding (emulated:
    /// a User; k3d: a ServiceAccount with a token).
    /// </summary>
    Task<ScenarioUser> UserAsync(string name, string ns, CancellationToken cancellationToken);

    /// <summary>What the operator said lately, for failure messages.</summary>
    Task<string> OperatorLogAsync(CancellationToken cancellationToken);
}
