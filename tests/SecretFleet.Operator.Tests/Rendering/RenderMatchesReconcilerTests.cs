using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Rendering;
using SecretFleet.Operator.Tests.Reconciliation;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Rendering;

/// <summary>
/// render prints what the operator creates: the reconciler provisions a fleet on the fake API server, and every
/// object it created must be what render prints for the same SecretCluster, in the order it created them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RenderMatchesReconcilerTests
{
    private static readonly KubeResource[] Children =
    [
        KubeResources.Issuers, KubeResources.Certificates, KubeResources.NetworkPolicies, KubeResources.Services, KubeResources.PodDisruptionBudgets,
        KubeResources.Secrets, KubeResources.PersistentVolumeClaims, KubeResources.Pods,
    ];

    public static TheoryData<string> Clusters() => ["own CA", "issuerRef, resources, storage class, image"];

    [Theory]
    [MemberData(nameof(Clusters))]
    public async Task Render_prints_exactly_the_objects_the_reconciler_creates_in_its_order(string which)
    {
        var cluster = Cluster(which);
        await using var harness = new ReconcilerHarness(cluster);
        await harness.ProvisionAsync();
        // The CA's Secret is cert-manager's work, not the operator's.
        var created = Children.SelectMany(harness.Api.All).Select(Comparable).Where(o => Key(o) != "Secret demo-ca").ToDictionary(Key);
        var creationOrder = harness.Api.Writes.Where(c => c.Verb == "create").Select(c => $"{c.Resource.Kind} {c.Name}").Distinct().ToList();

        // The manifest is the SecretCluster as the API server returns it (kubectl get -o json), uid included.
        var (objects, problem) = RenderCommand.Render(KubeJson.Serialize(harness.Cluster), new RenderArguments("-", RenderFormat.Yaml, null, ReconcilerHarness.DefaultImage)
        {
            AllowedNodeImages = ReconcilerHarness.AllowedImages,
            OperatorNamespace = ReconcilerHarness.Peers.OperatorNamespace,
            NodeMetricsNamespace = ReconcilerHarness.Peers.MetricsNamespace,
        });

        Assert.Null(problem);
        var rendered = objects.Select(RenderOutput.ToJson).Select(Comparable).ToList();
        Assert.Equal(creationOrder, rendered.Select(Key));
        Assert.Equal(created.Keys.Order(StringComparer.Ordinal), rendered.Select(Key).Order(StringComparer.Ordinal));
        foreach (var obj in rendered)
        {
            Assert.True(JsonNode.DeepEquals(created[Key(obj)], obj), $"{Key(obj)}: render prints\n{obj}\nthe operator created\n{created[Key(obj)]}");
        }
    }

    private static SecretCluster Cluster(string which)
    {
        var demo = TestClusters.Demo();
        return which == "own CA" ? demo : demo with
        {
            Spec = demo.Spec with
            {
                Image = "registry.example/secretfleet/node:1.2.3",
                Storage = new StorageSpec { Size = "5Gi", StorageClassName = "fast-ssd" },
                Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = "250m" }, Limits = new Dictionary<string, Quantity> { ["memory"] = "512Mi" } },
                IssuerRef = new IssuerRef { Name = "corp-ca", Kind = IssuerKind.ClusterIssuer },
                TrustDomain = "corp.example",
            },
        };
    }

    private static string Key(JsonObject obj) => $"{obj["kind"]} {obj["metadata"]!["name"]}";

    /// <summary>Without what the server adds (uid, versions, times, status) and without key material, which render never prints.</summary>
    private static JsonObject Comparable(JsonObject obj)
    {
        var copy = JsonNode.Parse(obj.ToJsonString())!.AsObject();
        var metadata = copy["metadata"]!.AsObject();
        foreach (var field in new[] { "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "managedFields" })
        {
            metadata.Remove(field);
        }

        copy.Remove("status");
        if ((string?)copy["kind"] == "Secret")
        {
            copy.Remove("data");
        }

        return copy;
    }
}
