using SecretFleet.KubeEmulator;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// A real cluster (k3d) that <c>tests/tools/e2e.sh</c> prepared: cert-manager and the operator's Helm chart are
/// installed; <c>KUBECONFIG</c> points at it. Node pods are reached through <c>kubectl port-forward</c>.
/// </summary>
internal sealed class K3dBackend : IScenarioBackend
{
    private K3dBackend(string kubeconfig, string directory)
    {
        Kubeconfig = kubeconfig;
        Directory = directory;
        Kubectl = new Kubectl(kubeconfig, Path.Combine(directory, "kube-cache"));
    }

    public string Name => "k3d";

    public string Kubeconfig { get; }

    public string Directory { get; }

    public Kubectl Kubectl { get; }

    public string Connect => Environment.GetEnvironmentVariable("SECRETFLEET_SCENARIO_CONNECT") ?? "port-forward";

    public static K3dBackend Start()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(':')[0] is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!File.Exists(kubeconfig))
        {
            throw new InvalidOperationException($"The k3d backend needs a kubeconfig; {kubeconfig} does not exist. Run it through `make e2e`.");
        }

        return new K3dBackend(kubeconfig, ScenarioBackends.ScratchDirectory());
    }

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        await Kubectl.SucceedAsync("get crd secretclusters.secretfleet.io");
        await Kubectl.SucceedAsync($"-n {OperatorDeployment.Namespace} rollout status deployment/{OperatorDeployment.Name} --timeout 25s");
    }

    public async Task RestartOperatorAsync(CancellationToken cancellationToken)
    {
        await Kubectl.SucceedAsync($"-n {OperatorDeployment.Namespace} delete pod -l {OperatorDeployment.Selector} --grace-period=0 --force --wait=false");
        await Kubectl.SucceedAsync($"-n {OperatorDeployment.Namespace} rollout status deployment/{OperatorDeployment.Name} --timeout 25s");
    }

    /// <summary>A ServiceAccount in <paramref name="ns"/> with a short-lived token, in a kubeconfig of the same cluster.</summary>
    public async Task<ScenarioUser> UserAsync(string name, string ns, CancellationToken cancellationToken)
    {
        await Kubectl.SucceedAsync($"-n {ns} create serviceaccount {name}");
        var token = (await Kubectl.SucceedAsync($"-n {ns} create token {name} --duration 1h")).Trim();
        var kubeconfig = Path.Combine(Directory, $"kubeconfig-{name}");
        await File.WriteAllTextAsync(kubeconfig, await Kubectl.SucceedAsync("config view --raw --minify --flatten"), cancellationToken);
        var user = new Kubectl(kubeconfig, Path.Combine(Directory, $"kube-cache-{name}"));
        var context = (await user.SucceedAsync("config current-context")).Trim();
        await user.SucceedAsync($"config set-credentials {name} --token {token}");
        await user.SucceedAsync($"config set-context {context} --user {name} --namespace {ns}");
        return new ScenarioUser(kubeconfig, $"- kind: ServiceAccount\n    name: {name}\n    namespace: {ns}");
    }

    public async Task<string> OperatorLogAsync(CancellationToken cancellationToken) =>
        (await Kubectl.RunAsync($"-n {OperatorDeployment.Namespace} logs deployment/{OperatorDeployment.Name} --tail 200", cancellationToken: cancellationToken)).Output;

    public ValueTask DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
