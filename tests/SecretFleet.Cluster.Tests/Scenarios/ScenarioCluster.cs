using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// One SecretCluster as the suite observes it through the Kubernetes API (our own client, whichever the backend):
/// its status, its pods, its children, with waits that fail naming what did not happen and what was seen last.
/// </summary>
internal sealed class ScenarioCluster(KubernetesApi api, string ns, string name) : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Kinds the operator owns for a SecretCluster (StatefulSets only in fleets from before per-node identities). Secrets
    /// are apart: the node keys stay with deletionPolicy Retain, and cert-manager (real or emulated) leaves a deleted
    /// Certificate's Secret behind; PVCs are never owned (Retain keeps them).
    /// </summary>
    public static readonly IReadOnlyList<KubeResource> ChildKinds =
    [
        KubeResources.StatefulSets, KubeResources.Pods, KubeResources.Services, KubeResources.PodDisruptionBudgets, KubeResources.NetworkPolicies,
        KubeResources.Certificates, KubeResources.Issuers,
    ];

    public string Namespace => ns;

    public string Name => name;

    public KubernetesApi Api => api;

    public static ScenarioCluster Open(string kubeconfig, string ns, string name) =>
        new(KubernetesApi.Create(KubeClientConfiguration.Load(kubeconfig)), ns, name);

    public Task<SecretCluster?> GetAsync(CancellationToken cancellationToken) => api.GetAsync<SecretCluster>(ns, name, cancellationToken);

    public async Task<IReadOnlyList<V1Pod>> PodsAsync(CancellationToken cancellationToken) =>
        (await api.ListAsync<V1Pod>(ns, new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}={name}" }, cancellationToken)).Items;

    /// <summary>Every object of <see cref="ChildKinds"/> labelled as this cluster's, as <c>kind/name</c>.</summary>
    public async Task<IReadOnlyList<string>> ChildrenAsync(CancellationToken cancellationToken)
    {
        var children = new List<string>();
        foreach (var kind in ChildKinds)
        {
            var list = await api.ListAsync<PartialObject>(kind, ns, new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}={name}" }, cancellationToken);
            children.AddRange(list.Items.Select(o => $"{kind.Kind}/{o.Metadata.Name}"));
        }

        return children;
    }

    /// <summary>This cluster's Secrets that are not cert-manager's (which keeps a Certificate's Secret when the Certificate goes).</summary>
    public async Task<IReadOnlyList<string>> OwnSecretsAsync(CancellationToken cancellationToken)
    {
        var secrets = await api.ListAsync<V1Secret>(ns, new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}={name}" }, cancellationToken);
        return [.. secrets.Items.Where(s => s.Metadata.Annotations?.ContainsKey("cert-manager.io/certificate-name") != true).Select(s => s.Metadata.Name ?? "")];
    }

    /// <summary>Waits until no child is left (garbage collection and the operator's cleanup run in the background).</summary>
    public async Task WaitForNoChildrenAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        IReadOnlyList<string> left = [];
        try
        {
            while ((left = await ChildrenAsync(deadline.Token)).Count > 0)
            {
                await Task.Delay(Poll, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for the children to go; left: {string.Join(", ", left)}");
        }
    }

    public static bool IsReady(SecretCluster? cluster, int replicas) =>
        cluster?.Status is { } status
        && status.ReadyReplicas == replicas
        && status.Conditions?.Any(c => c.Type == Conditions.Ready && c.Status == ConditionStatus.True) == true;

    /// <summary>Polls the SecretCluster until <paramref name="condition"/> holds; the last status is in the failure.</summary>
    public async Task<SecretCluster> WaitAsync(Func<SecretCluster?, bool> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        SecretCluster? last = null;
        try
        {
            while (true)
            {
                last = await GetAsync(deadline.Token);
                if (condition(last))
                {
                    return last!;
                }

                await Task.Delay(Poll, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting until {what}; last seen:\n{await DescribeAsync(last, cancellationToken)}");
        }
    }

    /// <summary>
    /// Watches the SecretCluster until <paramref name="condition"/> holds, to catch a state that lasts only moments
    /// (a refresh in flight) as soon as the API has it.
    /// </summary>
    public async Task<SecretCluster> WatchUntilAsync(Func<SecretCluster, bool> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        SecretCluster? last = null;
        try
        {
            while (true)
            {
                last = await GetAsync(deadline.Token);
                if (last is not null && condition(last))
                {
                    return last;
                }

                var options = new WatchOptions { ResourceVersion = last?.Metadata.ResourceVersion, FieldSelector = $"metadata.name={name}", TimeoutSeconds = 30 };
                await foreach (var change in api.WatchAsync<SecretCluster>(ns, options, deadline.Token))
                {
                    if (change.Type is WatchEventType.Added or WatchEventType.Modified && change.Object is { } seen)
                    {
                        last = seen;
                        if (condition(seen))
                        {
                            return seen;
                        }
                    }
                    else if (change.Type == WatchEventType.Expired)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s watching until {what}; last seen:\n{await DescribeAsync(last, cancellationToken)}");
        }
    }

    /// <summary>The SecretCluster's status and its pods, for failure messages.</summary>
    public async Task<string> DescribeAsync(SecretCluster? cluster, CancellationToken cancellationToken)
    {
        var pods = await PodsAsync(cancellationToken);
        return $"status: {(cluster is null ? "(no SecretCluster)" : KubeJson.Serialize(cluster.Status))}\npods:\n"
            + string.Join('\n', pods.Select(p => $"  {p.Metadata.Name} {p.Status?.Phase} ready={p.IsReady()} ip={p.Status?.PodIP}"));
    }

    public void Dispose() => api.Dispose();
}
