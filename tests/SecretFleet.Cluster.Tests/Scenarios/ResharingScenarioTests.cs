using k8s.Models;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using Conditions = SecretFleet.Kube.Conditions;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// Changing a formed fleet's threshold and scaling it down, as a user does it (kubectl patch) and sees it (status,
/// events, <c>kubectl secrets</c>), on the backend <c>SECRETFLEET_SCENARIO_BACKEND</c> names: the real operator, real
/// node processes, the real CLI.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ResharingScenarioTests
{
    private const string Name = "shape";
    private const string Before = "stored-at-2-of-3";
    private const string Between = "stored-at-3-of-5";

    [Fact]
    public async Task Threshold_change_and_scale_down_reshare_every_secret_and_the_leaving_nodes_volumes_follow_deletionPolicy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = timeout.Token;
        await using var run = await ScenarioRun.StartAsync("sf-reshare-", Name, ct);
        var (backend, ns, cluster, cli, story, patience) = (run.Backend, run.Namespace, run.Cluster, run.Cli, run.Story, run.Patience);
        var value = ScenarioRun.NewValue();

        await story.StepAsync("a 2-of-3 fleet with deletionPolicy Delete becomes Ready and stores a secret", async () =>
        {
            var manifest = Path.Combine(backend.Directory, "shape.yaml");
            await File.WriteAllTextAsync(manifest, $$"""
                apiVersion: secretfleet.io/v1alpha1
                kind: SecretCluster
                metadata: {name: {{Name}}, namespace: {{ns}}}
                spec:
                  replicas: 3
                  threshold: 2
                  refresh: {interval: 24h}
                  spread: {hosts: Preferred}
                  deletionPolicy: Delete
                """, ct);
            await backend.Kubectl.SucceedAsync($"apply -f {manifest}");
            await cluster.WaitAsync(c => Settled(c, 3, 2) && c!.Status!.Epoch is not null, "Ready as 2-of-3", patience, ct);
            await cli.StoreAsync(Before, value, ct);
        });

        await story.StepAsync("spec 3-of-5: the new nodes start, every secret is reshared to them, and the pods restart with the new threshold", async () =>
        {
            var epoch = (await cluster.GetAsync(ct))!.Status!.Epoch!.Value;
            await Patch(backend, ns, """{"spec":{"replicas":5,"threshold":3}}""");
            var reshaped = await cluster.WaitAsync(c => Settled(c, 5, 3), "Ready as 3-of-5 with every pod on the new threshold", patience, ct);

            Assert.True(reshaped.Status!.Epoch > epoch, $"status.epoch stayed {epoch}");
            // The new nodes were dealt to by the resharing, not rebuilt one by one by share recovery.
            Assert.DoesNotContain(reshaped.Status.RecoveredOrdinals ?? [], o => o >= 3);
            var reshared = Assert.Single(await EventsAsync(cluster, "Reshared", ct));
            Assert.Contains("2-of-3 → 3-of-5", reshared.Note);
            Assert.All(await cluster.PodsAsync(ct), pod => Assert.Equal("3", pod.Spec.Containers[0].Args[pod.Spec.Containers[0].Args.IndexOf("--threshold") + 1]));
            Assert.Equal(5, (await cli.HoldersAsync(ct)).GetValueOrDefault(Before));
            Assert.Equal(value, await cli.RecoverAsync(Before, ct));
            await cli.StoreAsync(Between, value + "-5", ct);
        });

        await story.StepAsync("spec 2-of-3: the fleet reshares to three nodes, the other two go with their volumes and keys, and every secret comes back", async () =>
        {
            await Patch(backend, ns, """{"spec":{"replicas":3,"threshold":2}}""");
            await cluster.WaitAsync(c => Settled(c, 3, 2), "Ready as 2-of-3 again", patience, ct);
            await Eventually.TrueAsync(async () => (await cluster.PodsAsync(ct)).Count == 3, "pods shape-3 and shape-4 are gone", patience);

            Assert.Contains(await EventsAsync(cluster, "Reshared", ct), e => e.Note!.Contains("3-of-5 → 2-of-3", StringComparison.Ordinal));
            await Eventually.TrueAsync(async () =>
                (await cluster.Api.ListAsync<V1PersistentVolumeClaim>(SecretFleet.Kube.KubeResources.PersistentVolumeClaims, ns, null, ct)).Items.Select(c => c.Metadata.Name).Order()
                    .SequenceEqual(Enumerable.Range(0, 3).Select(i => $"data-{Name}-{i}")),
                "only the PVCs of the three remaining nodes are left (deletionPolicy Delete)", patience);
            Assert.Equal(Enumerable.Range(0, 3).Select(i => $"{Name}-node-{i}-key"), (await cluster.OwnSecretsAsync(ct)).Where(s => s.EndsWith("-key", StringComparison.Ordinal)).Order());
            Assert.Contains(await EventsAsync(cluster, "DataDeleted", ct), e => e.Note!.Contains($"data-{Name}-4", StringComparison.Ordinal));
            Assert.Equal(3, (await cli.HoldersAsync(ct)).GetValueOrDefault(Before));
            Assert.Equal(value, await cli.RecoverAsync(Before, ct));
            Assert.Equal(value + "-5", await cli.RecoverAsync(Between, ct));
        });
    }

    /// <summary>The fleet has the shape, every node holds its shares, and the operator has nothing left to do (pods rolled).</summary>
    private static bool Settled(SecretCluster? cluster, int replicas, int threshold) =>
        ScenarioCluster.IsReady(cluster, replicas)
        && cluster!.Status is { Replicas: var n, Threshold: var t, Refresh: null } status && n == replicas && t == threshold
        && Condition.Find(status.Conditions, Conditions.Progressing)?.Reason == Conditions.Reasons.Reconciled;

    private static Task<string> Patch(IScenarioBackend backend, string ns, string patch) =>
        backend.Kubectl.SucceedAsync($"-n {ns} patch secretcluster {Name} --type merge -p '{patch}'");

    private static async Task<IReadOnlyList<Eventsv1Event>> EventsAsync(ScenarioCluster cluster, string reason, CancellationToken cancellationToken)
    {
        var events = await cluster.Api.ListAsync<Eventsv1Event>(SecretFleet.Kube.KubeResources.Events, cluster.Namespace, null, cancellationToken);
        return [.. events.Items.Where(e => e.Regarding?.Name == cluster.Name && e.Reason == reason)];
    }
}
