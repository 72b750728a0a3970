using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Cluster.Tests.Scenarios;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.KubeEmulator;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>
/// A fleet made by the operator before per-node identities — its objects exactly as that version built them
/// (tests/SecretFleet.Operator.Tests/Specs/legacy), running on the emulated kubelet with secrets stored — upgrades in
/// place: the new operator moves it to one certificate and one key Secret per node without losing a volume, a key or
/// a secret, although its StatefulSet would have taken the volumes with it (<c>whenDeleted: Delete</c>).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class LegacyUpgradeTests : IAsyncLifetime
{
    private const string Ns = "vault";
    private const string Name = "demo";
    private const string LegacyUid = "7d3c1b2a-0000-4000-8000-000000000001";
    private static readonly ChildNames Names = new(Ns, Name);
    private OperatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await OperatorWorld.StartAsync(new EmulatorOptions { Kubelet = new KubeletOptions() });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Legacy_fleet_with_stored_secrets_moves_to_per_node_identities_and_every_secret_recovers()
    {
        // The fleet as the previous operator left it: formed at epoch 0, secrets stored through the shared identity.
        var cluster = await CreateClusterAsync();
        var legacyKeys = await SeedLegacyLayoutAsync(cluster);
        var legacyPods = await WaitForPodsAsync(pod => pod.IsReady(), "the StatefulSet's pods are Ready");
        var stored = Enumerable.Range(0, 5).ToDictionary(i => $"secret-{i}", _ => RandomNumberGenerator.GetBytes(24));
        await FormAndStoreAsync(cluster, legacyPods, stored);
        var claims = await ClaimUidsAsync();
        await OperatorWorld.EventuallyAsync(async () => (await _world.GetAsync(KubeResources.PersistentVolumeClaims, Names.DataClaim(0), Ns))!.Metadata.OwnerReferences?.SingleOrDefault()?.Kind == "StatefulSet",
            "the StatefulSet owns its PVCs (whenDeleted: Delete), so garbage collection would take them with it");

        await _world.StartOperatorAsync();

        await OperatorWorld.EventuallyAsync(async () =>
            await ClaimsKeptAsync(claims)
            && await _world.GetAsync(KubeResources.StatefulSets, Names.LegacyStatefulSet, Ns) is null
            && await _world.GetAsync(KubeResources.Secrets, Names.LegacyNodeKeysSecret, Ns) is null
            && await _world.GetAsync(KubeResources.Secrets, Names.LegacyNodeTlsSecret, Ns) is null
            && await _world.GetAsync(KubeResources.Certificates, Names.LegacyNodeCertificate, Ns) is null
            && (await _world.ClusterAsync(Name, Ns))?.Status is { Phase: SecretClusterPhase.Ready, ReadyReplicas: 3 },
            "the fleet moved to per-node identities and is Ready", TimeSpan.FromMinutes(3));

        // Same volumes, same keys, same epoch: nothing was re-dealt or lost.
        Assert.Equal(claims, await ClaimUidsAsync());
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var key = await _world.Api.GetAsync<V1Secret>(Ns, Names.NodeKeySecret(ordinal), CancellationToken.None);
            Assert.Equal(legacyKeys[ordinal], key!.Data![ChildNames.NodeKeyFile]);
        }

        cluster = (await _world.ClusterAsync(Name, Ns))!;
        Assert.Equal(0, cluster.Status!.Epoch);
        await NodeIsolation.AssertEachNodeHasItsOwnIdentityAsync(_world.Api, cluster, 3, CancellationToken.None);
        var pods = await WaitForPodsAsync(pod => pod.IsReady(), "the new pods are Ready");
        NodeIsolation.AssertNoPodReadsAnotherNodesSecrets(pods, cluster, 3);
        Assert.All(pods, p => Assert.DoesNotContain(p.Metadata.Uid, legacyPods.Select(l => l.Metadata.Uid)));
        Assert.Contains(await _world.EventsAsync(Name, Ns), e => e.Reason == "IdentitiesMigrated" && e.Note!.StartsWith("Moved to per-node identities", StringComparison.Ordinal));

        await RecoverEveryAsync(stored, 0UL);
        var cli = new KubectlSecrets(_world.Kubeconfig, Ns, Name, "direct", _world.World.Directory);
        await cli.StoreAsync("after-upgrade", "stored through per-node identities", CancellationToken.None);
        Assert.Equal("stored through per-node identities", await cli.RecoverAsync("after-upgrade", CancellationToken.None));

        // The moved fleet refreshes like any other, and the shares stored before the move come back after it.
        var requested = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        await _world.Kubectl.SucceedAsync($"-n {Ns} annotate secretcluster {Name} {LabelsAndAnnotations.RefreshRequestedAt}={requested} --overwrite");
        await _world.WaitForClusterAsync(Name, c => c.Status is { Epoch: 1, Refresh: null }, "epoch 1 is committed", TimeSpan.FromMinutes(1), Ns);
        await RecoverEveryAsync(stored, 1UL);
    }

    private async Task<SecretCluster> CreateClusterAsync()
    {
        await _world.Kubectl.SucceedAsync($"create namespace {Ns}");
        await _world.Kubectl.SucceedAsync("apply -f -", $$"""
            apiVersion: secretfleet.io/v1alpha1
            kind: SecretCluster
            metadata: {name: {{Name}}, namespace: {{Ns}}}
            spec: {replicas: 3, threshold: 2, refresh: {interval: 10m}, deletionPolicy: Delete, trustDomain: secretfleet.local}
            """);
        return (await _world.ClusterAsync(Name, Ns))!;
    }

    /// <summary>
    /// Applies the previous operator's objects with its field manager, owned by this SecretCluster. Its StatefulSet
    /// gets <c>whenDeleted: Delete</c>, as deletionPolicy Delete made it: deleting it carelessly would delete the PVCs.
    /// </summary>
    private async Task<IReadOnlyList<byte[]>> SeedLegacyLayoutAsync(SecretCluster cluster)
    {
        var keys = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var directory = OperatorWorld.RepositoryPath("tests", "SecretFleet.Operator.Tests", "Specs", "legacy");
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var json = JsonNode.Parse(File.ReadAllText(file).Replace(LegacyUid, cluster.Metadata.Uid, StringComparison.Ordinal))!.AsObject();
            switch ((string?)json["kind"])
            {
                case "StatefulSet":
                    Assert.Equal("Retain", (string?)json["spec"]!["persistentVolumeClaimRetentionPolicy"]!["whenDeleted"]);
                    json["spec"]!["persistentVolumeClaimRetentionPolicy"]!["whenDeleted"] = "Delete";
                    break;
                case "Secret":
                    json["data"] = new JsonObject([.. keys.Select((k, i) => KeyValuePair.Create($"node-{i}.key", (JsonNode?)Convert.ToBase64String(k)))]);
                    break;
            }

            await ApplyAsPreviousOperatorAsync(json);
        }

        return keys;
    }

    private Task ApplyAsPreviousOperatorAsync(JsonObject json) => (string?)json["kind"] switch
    {
        "StatefulSet" => ApplyAsync<V1StatefulSet>(json),
        "Service" => ApplyAsync<V1Service>(json),
        "PodDisruptionBudget" => ApplyAsync<V1PodDisruptionBudget>(json),
        "Secret" => ApplyAsync<V1Secret>(json),
        "Certificate" => ApplyAsync<Certificate>(json),
        "Issuer" => ApplyAsync<Issuer>(json),
        var kind => throw new InvalidOperationException($"The previous operator made no {kind}."),
    };

    private Task ApplyAsync<T>(JsonObject json)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        _world.Api.ApplyAsync(KubeJson.Deserialize<T>(json.ToJsonString())!, ApplyOptions.Operator, CancellationToken.None);

    /// <summary>What the previous operator did once its pods were Ready, then a client storing secrets: both through the shared node identity.</summary>
    private async Task FormAndStoreAsync(SecretCluster cluster, IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, byte[]> stored)
    {
        var shared = new FleetIdentity(ChildNames.TrustDomainOf(cluster), FleetRole.Node, Names.LegacyNodeIdentityName);
        var members = Members(pods, _ => shared);
        using (var operatorTls = await TlsAsync(Names.OperatorTlsSecret))
        using (var operations = new RpcNodeOperations(members, operatorTls))
        {
            var coordinator = new EpochCoordinator(operations, new FileOperationLog(Path.Combine(_world.World.Directory, "legacy.oplog")), TimeProvider.System, NullLogger<EpochCoordinator>.Instance);
            Assert.Empty(await coordinator.EnsureMembershipAsync(new FleetView(Names.FleetId, 2, members), allowFormation: true, CancellationToken.None));
        }

        await _world.Api.PatchStatusAsync<SecretCluster>(Ns, Name, KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["epoch"] = 0 } }), CancellationToken.None);
        using var client = new FleetClient(new FleetClientOptions(members, 2, await TlsAsync(Names.ClientTlsSecret)));
        foreach (var (name, value) in stored)
        {
            await client.StoreAsync(name, value, null, CancellationToken.None);
        }
    }

    /// <summary>Every secret through each node's own identity, at the epoch given.</summary>
    private async Task RecoverEveryAsync(IReadOnlyDictionary<string, byte[]> stored, ulong epoch)
    {
        var pods = await WaitForPodsAsync(pod => pod.IsReady(), "every pod is Ready");
        var cluster = (await _world.ClusterAsync(Name, Ns))!;
        using var client = new FleetClient(new FleetClientOptions(
            Members(pods, ordinal => new FleetIdentity(ChildNames.TrustDomainOf(cluster), FleetRole.Node, Names.NodeIdentityName(ordinal))), 2, await TlsAsync(Names.ClientTlsSecret)));
        foreach (var (name, value) in stored)
        {
            var recovered = await client.RecoverAsync(name, CancellationToken.None);
            Assert.Equal(value, recovered.Secret);
            Assert.Equal(epoch, recovered.Epoch);
        }
    }

    private static List<FleetMember> Members(IReadOnlyList<V1Pod> pods, Func<int, FleetIdentity> identity) =>
        [.. pods.Select(p => Names.PodOrdinal(p.Metadata.Name!)!.Value).Order()
            .Select(o => new FleetMember((byte)(o + 1), new Uri($"https://{pods.Single(p => p.Metadata.Name == Names.Pod(o)).Status!.PodIP}:{ChildNames.GrpcPort}"), Names.PodTlsName(o), identity(o)))];

    private async Task<IReadOnlyList<V1Pod>> WaitForPodsAsync(Func<V1Pod, bool> condition, string what)
    {
        IReadOnlyList<V1Pod> pods = [];
        await OperatorWorld.EventuallyAsync(async () =>
        {
            var list = await _world.Api.ListAsync<V1Pod>(Ns, new Kube.ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}={Name}" }, CancellationToken.None);
            pods = [.. list.Items.Where(p => p.Metadata.DeletionTimestamp is null)];
            return pods.Count == 3 && pods.All(condition) && pods.All(p => p.Status?.PodIP is { Length: > 0 });
        }, what, TimeSpan.FromMinutes(2));
        return pods;
    }

    private async Task<TlsMaterial> TlsAsync(string secretName)
    {
        V1Secret? secret = null;
        await OperatorWorld.EventuallyAsync(async () => (secret = await _world.Api.GetAsync<V1Secret>(Ns, secretName, CancellationToken.None))?.Data?.ContainsKey("tls.crt") == true,
            $"cert-manager issued {secretName}");
        string Pem(string key) => Encoding.UTF8.GetString(secret!.Data![key]);
        return TlsMaterial.FromPem(Pem("tls.crt"), Pem("tls.key"), Pem("ca.crt"));
    }

    /// <summary>True while every PVC is the one it was and is not being deleted; fails the test at once otherwise (its shares would be gone).</summary>
    private async Task<bool> ClaimsKeptAsync(IReadOnlyList<string> uids)
    {
        for (var ordinal = 0; ordinal < uids.Count; ordinal++)
        {
            var claim = await _world.GetAsync(KubeResources.PersistentVolumeClaims, Names.DataClaim(ordinal), Ns);
            Assert.True(claim is not null && claim.Metadata.Uid == uids[ordinal] && claim.Metadata.DeletionTimestamp is null,
                $"PVC {Names.DataClaim(ordinal)} was deleted during the upgrade: node {ordinal}'s shares are gone");
        }

        return true;
    }

    private async Task<List<string>> ClaimUidsAsync() =>
        [.. await Task.WhenAll(Enumerable.Range(0, 3).Select(async o => (await _world.GetAsync(KubeResources.PersistentVolumeClaims, Names.DataClaim(o), Ns))!.Metadata.Uid!))];
}
