using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Tests.Reconciliation;

/// <summary>
/// A fleet made by the operator before per-node identities (one StatefulSet, one shared Certificate, one Secret with
/// every node's key) moves to one Certificate and one key Secret per node without losing a key or a volume.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LegacyMigrationTests : IAsyncLifetime
{
    private readonly ReconcilerHarness _h = new(Support.TestClusters.Legacy());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Legacy_fleet_moves_to_per_node_identities_keeping_every_key_and_volume()
    {
        _h.SeedLegacyFleet(whenDeleted: "Delete");
        var claims = ClaimUids();

        await _h.ProvisionAsync();

        // Every node has its own key Secret now, holding the key it had: never a new one.
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            Assert.Equal(ReconcilerHarness.LegacyKey(ordinal), Key(ordinal));
        }

        // The StatefulSet went without its pods and PVCs: retention set to Retain first, then deleted orphaning them.
        var calls = _h.Api.Calls.Select(c => (c.Verb, c.Resource.Plural, c.Propagation)).ToList();
        var patched = calls.IndexOf(("patch", "statefulsets", null));
        var deleted = calls.IndexOf(("delete", "statefulsets", "Orphan"));
        Assert.True(patched >= 0 && patched < deleted, string.Join(", ", _h.Api.Calls));
        Assert.Null(_h.Api.Raw(KubeResources.StatefulSets, "vault", "demo"));
        Assert.Contains(_h.Events.Recorded, e => e.Reason == "IdentitiesMigrated" && e.Note.Contains("kept its pods and PVCs", StringComparison.Ordinal));

        await ReplaceEveryPodAsync(_h);

        Assert.Equal(claims, ClaimUids());
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            Assert.Equal(ReconcilerHarness.LegacyKey(ordinal), Key(ordinal));
            var secrets = _h.PodSpec(ordinal)["volumes"]!.AsArray().Select(v => (string?)v!["secret"]?["secretName"]).OfType<string>();
            Assert.Equal([$"demo-node-{ordinal}-tls", $"demo-node-{ordinal}-key"], secrets);
        }

        Assert.Null(_h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-keys"));
        Assert.Null(_h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-tls"));
        Assert.Null(_h.Api.Raw(KubeResources.Certificates, "vault", "demo-node"));
        Assert.Contains(_h.Events.Recorded, e => e.Reason == "IdentitiesMigrated" && e.Note.StartsWith("Moved to per-node identities", StringComparison.Ordinal));

        // While old and new pods ran side by side, the coordinator expected from each the identity its pod was given.
        var mixed = _h.Coordinator.Views.First(v => v.Members.Any(m => m.Identity.Name == "demo") && v.Members.Any(m => m.Identity.Name == "demo-0"));
        Assert.Equal("spiffe://secretfleet.local/node/demo-0", mixed.Member(1).Identity.ToString());
        Assert.All(_h.Coordinator.Views[^1].Members, m => Assert.Equal($"demo-{m.Ordinal}", m.Identity.Name));
        Assert.Equal(SecretClusterPhase.Ready, _h.Cluster.Status!.Phase);
        Assert.Equal(0, _h.Cluster.Status.Epoch);
    }

    [Fact]
    public async Task Legacy_fleet_is_not_moved_while_an_operation_is_open()
    {
        _h.SeedLegacyFleet();
        _h.PatchStatus(new JsonObject { ["refresh"] = new JsonObject { ["id"] = "refresh-9", ["targetEpoch"] = 1, ["participants"] = new JsonArray(0, 1, 2) } });
        _h.Coordinator.Gate = new TaskCompletionSource();

        await _h.ProvisionAsync();
        await _h.ReconcileAsync();

        Assert.NotNull(_h.Api.Raw(KubeResources.StatefulSets, "vault", "demo"));
        Assert.DoesNotContain(_h.Api.Calls, c => c.Resource == KubeResources.StatefulSets && c.Verb is "patch" or "delete");
        Assert.DoesNotContain(_h.Api.Calls, c => c.Resource == KubeResources.Pods && c.Verb is "delete" or "create");
        Assert.Contains("waits for the running operation (refresh-9)", _h.Condition(Conditions.Progressing)!.Message);

        await Eventually.TrueAsync(() => !_h.Supervisor.Busy, "the resume job finished");
        _h.PatchStatus(new JsonObject { ["refresh"] = null });
        await _h.ReconcileAsync();

        Assert.Null(_h.Api.Raw(KubeResources.StatefulSets, "vault", "demo"));
    }

    [Fact]
    public async Task Shared_keys_stay_while_a_nodes_own_key_Secret_disagrees_with_them()
    {
        _h.SeedLegacyFleet();
        using (_h.Api.Quiet())
        {
            await _h.Api.CreateAsync(Operator.Specs.NodeKeySecretSpec.Build(_h.Cluster, 1, Support.TestClusters.Key(7)), CancellationToken.None);
        }

        await _h.ProvisionAsync();

        Assert.NotNull(_h.Api.Raw(KubeResources.StatefulSets, "vault", "demo"));
        Assert.NotNull(_h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-keys"));
        Assert.Equal(Support.TestClusters.Key(7), Key(1));
        var progressing = _h.Condition(Conditions.Progressing)!;
        Assert.Equal((false, Conditions.Reasons.MigratingIdentities), (progressing.IsTrue, progressing.Reason));
        Assert.Contains("Secret demo-node-1-key differs from node-1.key in demo-node-keys", progressing.Message);
    }

    /// <summary>Plays the kubelet until no pod of the older layout is left (each replaced pod comes back Ready).</summary>
    internal static async Task ReplaceEveryPodAsync(ReconcilerHarness h)
    {
        for (var round = 0; round < 20 && h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-keys") is not null; round++)
        {
            await h.ReconcileUntilIdleAsync();
            foreach (var pod in h.Api.All(KubeResources.Pods).Where(p => p["status"] is null))
            {
                h.ReadyPods(int.Parse(((string)pod["metadata"]!["name"]!)["demo-".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await h.ReconcileUntilIdleAsync();
        Assert.True(h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-keys") is null, $"the migration did not finish: {h.Condition(Conditions.Progressing)?.Message}");
    }

    private byte[] Key(int ordinal) => Convert.FromBase64String((string)_h.Api.Raw(KubeResources.Secrets, "vault", $"demo-node-{ordinal}-key")!["data"]!["node.key"]!);

    private List<string> ClaimUids() => [.. Enumerable.Range(0, 3).Select(o => (string)_h.Api.Raw(KubeResources.PersistentVolumeClaims, "vault", $"data-demo-{o}")!["metadata"]!["uid"]!)];
}
