using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Tests.Reconciliation;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Charts;

/// <summary>The chart grants exactly the API calls the operator makes: none missing, none to spare.</summary>
[Trait("Category", "Unit")]
public sealed class RbacTests
{
    [Fact]
    public async Task Chart_RBAC_grants_exactly_what_a_full_lifecycle_calls()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        await ReconcilerLifecycleAsync(used);
        await LegacyMigrationAsync(used);
        await ControllerAndLeaseAsync(used);

        var granted = Granted();

        var missing = used.Except(granted).Order().ToList();
        var spare = granted.Except(used).Order().ToList();
        Assert.True(missing.Count == 0, $"The operator calls what the chart does not grant: {string.Join(", ", missing)}");
        Assert.True(spare.Count == 0, $"The chart grants what the operator never calls: {string.Join(", ", spare)}");
    }

    private static async Task ReconcilerLifecycleAsync(HashSet<string> used)
    {
        var demo = TestClusters.Demo();
        await using var h = new ReconcilerHarness(demo with { Spec = demo.Spec with { DeletionPolicy = DeletionPolicy.Delete } });
        await h.ProvisionAsync();
        h.ReadyPods(0, 1, 2);
        await h.ReconcileUntilIdleAsync();
        h.Patch(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [LabelsAndAnnotations.RefreshRequestedAt] = h.Time.GetUtcNow().ToString("O") } } });
        await h.ReconcileUntilIdleAsync();
        using (h.Api.Quiet())
        {
            // A pod as an operator before the canonical template hash labelled it: relabelled in place.
            await h.Api.PatchAsync<k8s.Models.V1Pod>("vault", "demo-0", KubePatch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [LabelsAndAnnotations.TemplateHash] = Operator.Specs.NodePodSpec.LegacyTemplateHash(h.Cluster, "ghcr.io/secretfleet/node:test", 0, 2) } },
            }), CancellationToken.None);
        }

        await h.ReconcileAsync();
        h.PatchSpec(new JsonObject { ["replicas"] = 4, ["image"] = "ghcr.io/secretfleet/node:next" });
        await h.ReconcileAsync();
        h.Api.IssueCertificates();
        await h.ReconcileAsync();
        h.Coordinator.NonMembers.Add(4);
        h.ReadyPods(3);
        await h.ReconcileUntilIdleAsync();
        h.PatchSpec(new JsonObject { ["issuerRef"] = new JsonObject { ["name"] = "corp-ca" } });
        await h.ReconcileAsync();
        await new KubeEventRecorder(h.Api, "operator-0", h.Time, NullLogger<KubeEventRecorder>.Instance)
            .RecordAsync(h.Cluster, EventSeverity.Normal, "Test", "Test", "recorded through the API", CancellationToken.None);
        // The coordinator reads the operator's certificate Secret, which the operator signed for itself.
        using (await new RpcFleetCoordinatorFactory(h.Api, new(), h.Time, NullLoggerFactory.Instance).ConnectAsync(h.Cluster, new("vault/demo", 2, []), CancellationToken.None))
        {
        }
        h.Api.Seed(new k8s.Models.V1PersistentVolumeClaim { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = new k8s.Models.V1ObjectMeta { Name = "data-demo-0", NamespaceProperty = "vault" } });
        h.Delete();
        await h.ReconcileAsync();
        foreach (var pod in h.Api.All(KubeResources.Pods))
        {
            using var quiet = h.Api.Quiet();
            await h.Api.DeleteAsync(KubeResources.Pods, "vault", (string)pod["metadata"]!["name"]!, null, CancellationToken.None);
        }

        await h.ReconcileAsync();
        Assert.Null(h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));
        Add(used, h.Api.Calls);
    }

    /// <summary>A fleet of the layout before per-node identities moves to it, and is then deleted with Retain.</summary>
    private static async Task LegacyMigrationAsync(HashSet<string> used)
    {
        await using var h = new ReconcilerHarness();
        h.SeedLegacyFleet(whenDeleted: "Delete");
        await h.ProvisionAsync();
        await LegacyMigrationTests.ReplaceEveryPodAsync(h);
        Assert.Null(h.Api.Raw(KubeResources.Secrets, "vault", "demo-node-keys"));
        h.Delete();
        await h.ReconcileAsync();
        Assert.Null(h.Api.Raw(KubeResources.SecretClusters, "vault", "demo"));
        Add(used, h.Api.Calls);
    }

    private static async Task ControllerAndLeaseAsync(HashSet<string> used)
    {
        var time = new ManualTimeProvider(TestClusters.Created);
        var api = new FakeKubeApi(time);
        using var metrics = new OperatorMetrics();
        using var queue = new WorkQueue(new WorkQueueOptions(), time, NullLogger<WorkQueue>.Instance);
        var controller = new SecretClusterController(api, new ControllerSettings(null, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1)), queue, metrics, time, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync((_, _) => Task.FromResult(ReconcileResult.Success()), stop.Token);
        await Eventually.TrueAsync(() => api.Calls.Count(c => c.Verb == "watch") == 4, "every watch is open");
        await stop.CancelAsync();
        await run;

        Add(used, api.Calls);

        // The elector locks through the official client: record its HTTP calls (acquire, renew, release).
        var leases = new FakeLeaseServer();
        var elector = new LeaderElector(leases.Client(), new LeaderElectionSettings("secretfleet-operator", "ops", "operator-0"), NullLogger.Instance);
        await elector.RunAsync(_ => Task.CompletedTask, CancellationToken.None);
        foreach (var (method, path) in leases.Calls)
        {
            var verb = method switch { "GET" => "get", "POST" => "create", "PUT" => "update", _ => method };
            used.Add($"coordination.k8s.io/leases:{verb}");
            Assert.StartsWith("/apis/coordination.k8s.io/v1/namespaces/ops/leases", path, StringComparison.Ordinal);
        }
    }

    private static void Add(HashSet<string> used, IEnumerable<ApiCall> calls)
    {
        foreach (var call in calls)
        {
            used.Add($"{call.Resource.Group}/{call.Resource.Plural}{(call.Subresource is null ? "" : "/" + call.Subresource)}:{call.Verb}");
        }
    }

    /// <summary>Every group/resource:verb the chart's Roles and ClusterRoles grant.</summary>
    private static HashSet<string> Granted()
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in ChartTests.Objects().Where(o => (string?)o["kind"] is "ClusterRole" or "Role"))
        {
            foreach (var rule in role["rules"]!.AsArray())
            {
                foreach (var group in rule!["apiGroups"]!.AsArray())
                {
                    foreach (var resource in rule["resources"]!.AsArray())
                    {
                        foreach (var verb in rule["verbs"]!.AsArray())
                        {
                            granted.Add($"{group}/{resource}:{verb}");
                        }
                    }
                }
            }
        }

        return granted;
    }
}
