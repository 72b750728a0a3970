using System.Security.Cryptography;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// What every scenario starts from: the backend <c>SECRETFLEET_SCENARIO_BACKEND</c> names, a fresh namespace
/// with the CRD and the operator installed, the SecretCluster to watch, the CLI aimed at it and the story that
/// names a failing step. Disposing removes the namespace on a real cluster and stops the backend.
/// </summary>
internal sealed class ScenarioRun : IAsyncDisposable
{
    private bool _namespaceCreated;

    private ScenarioRun(IScenarioBackend backend, string ns, string clusterName, CancellationToken cancellationToken)
    {
        Backend = backend;
        Namespace = ns;
        Cluster = ScenarioCluster.Open(backend.Kubeconfig, ns, clusterName);
        Cli = new KubectlSecrets(backend.Kubeconfig, ns, clusterName, backend.Connect, backend.Directory);
        Story = new ScenarioStory(backend, Cluster, cancellationToken);
    }

    public IScenarioBackend Backend { get; }

    public string Namespace { get; }

    public ScenarioCluster Cluster { get; }

    public KubectlSecrets Cli { get; }

    public ScenarioStory Story { get; }

    /// <summary>How long to wait for the operator to get somewhere (a real cluster pulls images and schedules pods).</summary>
    public TimeSpan Patience => Backend.Name == "k3d" ? TimeSpan.FromMinutes(6) : TimeSpan.FromMinutes(3);

    /// <summary>A fresh secret value for the scenario to store and recover.</summary>
    public static string NewValue() => "s3cret-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>Starts the backend, creates namespace <paramref name="namespacePrefix"/> + random hex and installs the CRD and operator.</summary>
    public static async Task<ScenarioRun> StartAsync(string namespacePrefix, string clusterName, CancellationToken cancellationToken)
    {
        var backend = await ScenarioBackends.StartAsync(cancellationToken);
        ScenarioRun? run = null;
        try
        {
            run = new ScenarioRun(backend, namespacePrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant(), clusterName, cancellationToken);
            await backend.Kubectl.SucceedAsync($"create namespace {run.Namespace}");
            run._namespaceCreated = true;
            await run.Story.StepAsync("install the CRD and the operator", () => backend.InstallAsync(cancellationToken));
            return run;
        }
        catch
        {
            if (run is not null)
            {
                await run.DisposeAsync();
            }
            else
            {
                await backend.DisposeAsync();
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_namespaceCreated && Backend.Name != "emulated")
            {
                await Backend.Kubectl.RunAsync($"delete namespace {Namespace} --wait=false", cancellationToken: CancellationToken.None);
            }
        }
        finally
        {
            Cluster.Dispose();
            await Backend.DisposeAsync();
        }
    }
}
