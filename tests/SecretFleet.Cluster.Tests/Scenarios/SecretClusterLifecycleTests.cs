using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.KubeEmulator;
using Conditions = SecretFleet.Kube.Conditions;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// The cluster scenario suite (DESIGN §7): one story from install to deletion, on the backend that
/// <c>SECRETFLEET_SCENARIO_BACKEND</c> names (emulated by default, k3d under <c>make e2e</c>).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SecretClusterLifecycleTests
{
    private const string Name = "demo";
    private const string Secret = "db-password";
    private const string TeamSecret = "team-a-token";

    [Fact]
    public async Task SecretCluster_goes_from_install_through_refresh_pod_loss_scaling_and_operator_crash_to_deletion_with_one_identity_per_node()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        var ct = timeout.Token;
        await using var run = await ScenarioRun.StartAsync("sf-scenario-", Name, ct);
        var (backend, ns, cluster, cli, story, patience) = (run.Backend, run.Namespace, run.Cluster, run.Cli, run.Story, run.Patience);
        var value = ScenarioRun.NewValue();

        await story.StepAsync("apply crds/samples/secretcluster.yaml with a 20s refresh interval", async () =>
        {
            var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "crds", "samples", "secretcluster.yaml"), ct);
            Assert.Contains("interval: 10m", sample);
            var manifest = Path.Combine(backend.Directory, "secretcluster.yaml");
            await File.WriteAllTextAsync(manifest, sample.Replace("interval: 10m", "interval: 20s", StringComparison.Ordinal), ct);
            await backend.Kubectl.SucceedAsync($"-n {ns} apply -f {manifest}");
        });

        await story.StepAsync("the SecretCluster becomes Ready with 3 nodes", () =>
            cluster.WaitAsync(c => ScenarioCluster.IsReady(c, 3) && c!.Status!.Epoch is not null, "Ready with 3 ready replicas and an epoch", patience, ct));

        await story.StepAsync("each node has its own certificate and key, and its pod mounts no other node's", async () =>
        {
            var sc = (await cluster.GetAsync(ct))!;
            await NodeIsolation.AssertEachNodeHasItsOwnIdentityAsync(cluster.Api, sc, 3, ct);
            NodeIsolation.AssertNoPodReadsAnotherNodesSecrets(await cluster.PodsAsync(ct), sc, 3);
        });

        await story.StepAsync("a NetworkPolicy owned by the SecretCluster admits to the node pods' gRPC port only the fleet's nodes, the operator and its clients", async () =>
        {
            var sc = (await cluster.GetAsync(ct))!;
            var policy = await cluster.Api.GetAsync<V1NetworkPolicy>(ns, $"{Name}-nodes", ct);
            Assert.NotNull(policy);
            Assert.Equal(sc.Metadata.Uid, Assert.Single(policy.Metadata.OwnerReferences!).Uid);
            var spec = policy.Spec;
            var selector = spec.PodSelector.MatchLabels;
            Assert.All(await cluster.PodsAsync(ct), pod => Assert.All(selector, l => Assert.Equal(l.Value, pod.GetLabel(l.Key))));
            Assert.Equal(["Ingress"], spec.PolicyTypes);
            var grpc = spec.Ingress[0];
            Assert.Equal("7443", grpc.Ports[0].Port.Value);
            Assert.Equal([Name], grpc.FromProperty.Select(p => p.PodSelector?.MatchLabels?.TryGetValue(SecretFleet.Kube.LabelsAndAnnotations.ClientOf, out var client) == true ? client : null).OfType<string>());
            Assert.Equal("8080", spec.Ingress[1].Ports[0].Port.Value);
        });

        await story.StepAsync("a Certificate for a node's identity that someone else asks cert-manager for is never issued", async () =>
        {
            var sc = (await cluster.GetAsync(ct))!;
            Assert.True(Condition.Find(sc.Status?.Conditions, Conditions.IdentitiesProtected)?.IsTrue == true, "IdentitiesProtected is not True");
            var forged = Path.Combine(backend.Directory, "forged-certificate.yaml");
            await File.WriteAllTextAsync(forged, $$"""
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: forged-node-0, namespace: {{ns}}}
                spec:
                  secretName: forged-node-0-tls
                  uris: ["{{ChildNames.NodeIdentity(sc, 0)}}"]
                  usages: [digital signature, server auth, client auth]
                  issuerRef: {name: {{Name}}-ca, kind: Issuer, group: cert-manager.io}
                """, ct);
            await backend.Kubectl.SucceedAsync($"apply -f {forged}");
            await Eventually.TrueAsync(async () =>
                (await cluster.Api.GetAsync<Certificate>(ns, "forged-node-0", ct))?.Status?.Conditions is not null,
                "cert-manager looked at the forged Certificate", patience);
            var certificate = (await cluster.Api.GetAsync<Certificate>(ns, "forged-node-0", ct))!;
            Assert.Equal("False", certificate.Status!.Conditions![0].Status);
            Assert.Null(await cluster.Api.GetAsync<V1Secret>(ns, "forged-node-0-tls", ct));
            await backend.Kubectl.SucceedAsync($"-n {ns} delete certificate forged-node-0");
        });

        await story.StepAsync("the pods ask for a host each, and SharedHost names the one host this cluster has", async () =>
        {
            Assert.All(await cluster.PodsAsync(ct), pod => Assert.Equal("kubernetes.io/hostname",
                pod.Spec?.Affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution?[0].PodAffinityTerm.TopologyKey));
            var shared = await cluster.WaitAsync(c => Condition.Find(c?.Status?.Conditions, Conditions.SharedHost)?.Reason == Conditions.Reasons.HostHoldsThreshold,
                "SharedHost says one host holds threshold shares", patience, ct);
            Assert.Contains($"runs {Name}-0, {Name}-1, {Name}-2: one machine holds threshold (2) shares", Condition.Find(shared.Status!.Conditions, Conditions.SharedHost)!.Message, StringComparison.Ordinal);
        });

        await story.StepAsync("plain kubectl get secretclusters lists it", async () =>
        {
            var table = await backend.Kubectl.SucceedAsync($"-n {ns} get secretclusters");
            Assert.Matches(@"NAME\s+REPLICAS\s+READY\s+THRESHOLD\s+EPOCH", table);
            Assert.Matches(@"demo\s+3\s+3\s+2\s+\d+", table);
        });

        await story.StepAsync("kubectl secrets store", () => cli.StoreAsync(Secret, value, ct));

        await story.StepAsync("a scheduled refresh moves status.epoch", async () =>
        {
            var before = (await cluster.GetAsync(ct))!.Status!.Epoch!.Value;
            await cluster.WaitAsync(c => c?.Status?.Epoch > before && c.Status.Refresh is null && c.Status.LastRefreshTime is not null,
                $"status.epoch moves past {before} by itself", patience, ct);
        });

        await story.StepAsync("kubectl secrets recover gives the same secret", async () => Assert.Equal(value, await cli.RecoverAsync(Secret, ct)));

        await story.StepAsync("each user gets a client identity of their own, and Kubernetes RBAC decides who may act as which", async () =>
        {
            await cli.SucceedAsync(["client", "create", "team-a"], ct);
            await cli.SucceedAsync(["client", "create", "team-b"], ct);
            await cli.StoreAsync(TeamSecret, value + "-a", ct, client: "team-a");
            Assert.Equal(value + "-a", await cli.RecoverAsync(TeamSecret, ct, client: "team-a"));
            var asTeamB = await cli.RunAsync(["recover", TeamSecret, "--client", "team-b"], ct);
            Assert.True(asTeamB.ExitCode == 2, $"team-b read team-a's secret: {asTeamB.Output}");

            // bob gets exactly the Role docs/examples/client-rbac.yaml shows: he may act as team-b and as no one else.
            var bob = await backend.UserAsync("bob", ns, ct);
            var example = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "docs", "examples", "client-rbac.yaml"), ct);
            const string exampleSubject = "  - kind: User\n    apiGroup: rbac.authorization.k8s.io\n    name: bob\n";
            Assert.Contains(exampleSubject, example, StringComparison.Ordinal);
            var rbac = Path.Combine(backend.Directory, "client-rbac.yaml");
            await File.WriteAllTextAsync(rbac, example.Replace("namespace: vault", $"namespace: {ns}", StringComparison.Ordinal).Replace(exampleSubject, "  " + bob.Subject + "\n", StringComparison.Ordinal), ct);
            await backend.Kubectl.SucceedAsync($"apply -f {rbac}");
            var bobCli = cli.As(bob.Kubeconfig);

            var asTeamA = await bobCli.RunAsync(["recover", TeamSecret, "--client", "team-a"], ct);
            Assert.True(asTeamA.ExitCode == 4, $"bob acted as team-a: {asTeamA.Output}");
            Assert.Contains($"Kubernetes does not let you read Secret {ns}/{Name}-client-team-a-tls of client team-a", asTeamA.Stderr, StringComparison.Ordinal);
            var asDefault = await bobCli.RunAsync(["recover", Secret], ct);
            Assert.True(asDefault.ExitCode == 4, $"bob acted as the default client: {asDefault.Output}");
            await bobCli.StoreAsync("bobs-secret", value + "-b", ct, client: "team-b");
            Assert.Equal(value + "-b", await bobCli.RecoverAsync("bobs-secret", ct, client: "team-b"));
            Assert.Equal(2, (await bobCli.RunAsync(["recover", TeamSecret, "--client", "team-b"], ct)).ExitCode);
        });

        await story.StepAsync("with a node pod killed the secret still comes back", async () =>
        {
            await backend.Kubectl.SucceedAsync($"-n {ns} delete pod {Name}-1 --grace-period=0 --force --wait=false");
            Assert.Equal(value, await cli.RecoverAsync(Secret, ct));
            await cluster.WaitAsync(c => ScenarioCluster.IsReady(c, 3), "the killed pod is replaced and Ready", patience, ct);
        });

        await story.StepAsync("scaled to 5, the new nodes hold the secret and recovery works with them", async () =>
        {
            const string scale = """{"spec":{"replicas":5}}""";
            await backend.Kubectl.SucceedAsync($"-n {ns} patch secretcluster {Name} --type merge -p '{scale}'");
            await cluster.WaitAsync(c => ScenarioCluster.IsReady(c, 5), "Ready with 5 ready replicas", patience, ct);
            var holders = await cli.HoldersAsync(ct);
            Assert.True(holders.GetValueOrDefault(Secret) == 5, $"nodes holding {Secret}: {holders.GetValueOrDefault(Secret)} of 5");
            Assert.Equal(value, await cli.RecoverAsync(Secret, ct));
            var sc = (await cluster.GetAsync(ct))!;
            await NodeIsolation.AssertEachNodeHasItsOwnIdentityAsync(cluster.Api, sc, 5, ct);
            NodeIsolation.AssertNoPodReadsAnotherNodesSecrets(await cluster.PodsAsync(ct), sc, 5);
        });

        await story.StepAsync("the operator crashes during an epoch and the epoch still finishes", async () =>
        {
            await cli.SucceedAsync(["refresh", Name], ct);
            var refreshing = await cluster.WatchUntilAsync(c => c.Status?.Refresh?.TargetEpoch is not null, "a refresh is in flight", patience, ct);
            var target = refreshing.Status!.Refresh!.TargetEpoch!.Value;
            await backend.RestartOperatorAsync(ct);
            await cluster.WaitAsync(c => c?.Status is { Refresh: null } s && s.Epoch >= target && ScenarioCluster.IsReady(c, 5),
                $"the interrupted refresh to epoch {target} is finished", patience, ct);
            Assert.Equal(value, await cli.RecoverAsync(Secret, ct));
        });

        await story.StepAsync("deleting the SecretCluster removes its children and keeps the volumes and keys (Retain)", async () =>
        {
            await backend.Kubectl.SucceedAsync($"-n {ns} delete secretcluster {Name} --wait=false");
            await cluster.WaitAsync(c => c is null, "the SecretCluster is gone", patience, ct);
            await cluster.WaitForNoChildrenAsync(patience, ct);
            var claims = await cluster.Api.ListAsync<V1PersistentVolumeClaim>(ns, null, ct);
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"data-{Name}-{i}"), claims.Items.Select(c => c.Metadata.Name).Order());
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{Name}-node-{i}-key"), (await cluster.OwnSecretsAsync(ct)).Order());
        });
    }
}
