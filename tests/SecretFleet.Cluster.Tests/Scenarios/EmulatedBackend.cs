using SecretFleet.KubeEmulator;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// The emulated cluster: an API-server emulator with cert-manager and an emulated node (node pods are real
/// secretfleet-node processes on their own 127.x.y.z addresses), the CRD applied with kubectl, and the real operator
/// binary running against the emulator's kubeconfig.
/// </summary>
internal sealed class EmulatedBackend : IScenarioBackend
{
    private readonly ApiServerEmulator _emulator;
    private OperatorProcess? _operator;

    private EmulatedBackend(ApiServerEmulator emulator, string directory)
    {
        _emulator = emulator;
        Directory = directory;
        Kubeconfig = Path.Combine(directory, "kubeconfig");
        emulator.WriteKubeconfig(Kubeconfig);
        Kubectl = new Kubectl(Kubeconfig, Path.Combine(directory, "kube-cache"));
    }

    public string Name => "emulated";

    public string Kubeconfig { get; }

    public string Directory { get; }

    public Kubectl Kubectl { get; }

    public string Connect => "port-forward";

    public static async Task<EmulatedBackend> StartAsync(CancellationToken cancellationToken)
    {
        var emulator = await ApiServerEmulator.StartAsync(new EmulatorOptions { Kubelet = new KubeletOptions() }, cancellationToken);
        return new EmulatedBackend(emulator, ScenarioBackends.ScratchDirectory());
    }

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        var crd = Path.Combine(RepositoryRoot.Find(), "crds", "secretfleet.io_secretclusters.yaml");
        await Kubectl.SucceedAsync($"apply -f {crd}");
        await Kubectl.SucceedAsync("wait --for condition=Established --timeout 30s crd/secretclusters.secretfleet.io");
        _operator = await OperatorProcess.StartAsync(Kubeconfig, cancellationToken);
    }

    public async Task RestartOperatorAsync(CancellationToken cancellationToken)
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        _operator = await OperatorProcess.StartAsync(Kubeconfig, cancellationToken);
    }

    public Task<ScenarioUser> UserAsync(string name, string ns, CancellationToken cancellationToken)
    {
        var kubeconfig = Path.Combine(Directory, $"kubeconfig-{name}");
        _emulator.WriteKubeconfig(kubeconfig, _emulator.AddUser(name), ns);
        return Task.FromResult(new ScenarioUser(kubeconfig, $"- kind: User\n    apiGroup: rbac.authorization.k8s.io\n    name: {name}"));
    }

    public Task<string> OperatorLogAsync(CancellationToken cancellationToken) => Task.FromResult(_operator?.Output ?? "(the operator was not started)");

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        await _emulator.DisposeAsync();
        VolumeDirectories.DeleteTree(Directory);
    }
}
