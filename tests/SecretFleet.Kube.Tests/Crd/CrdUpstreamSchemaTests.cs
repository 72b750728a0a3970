using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Tests.Support;

namespace SecretFleet.Kube.Tests.Crd;

/// <summary>
/// The checked-in CRD against the upstream apiextensions.k8s.io/v1 schema (npm kubernetes-models), and
/// objects against the CRD's own schema, through a real node process.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrdUpstreamSchemaTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "SecretFleet.Kube.Tests", "Crd", "validate-crd.js");

    private static JsonObject CheckedInCrd =>
        YamlJson.Single(File.ReadAllText(Path.Combine(RepoPaths.Crds, "secretfleet.io_secretclusters.yaml")));

    [Fact]
    public async Task Checked_in_CRD_validates_against_the_upstream_CustomResourceDefinition_schema()
    {
        var result = await ValidateAsync(CheckedInCrd, []);

        Assert.Null((string?)result["crdError"]);
    }

    [Fact]
    public async Task Upstream_schema_check_rejects_a_broken_CRD()
    {
        var broken = CheckedInCrd;
        broken["spec"]!["versions"]![0]!["served"] = "yes";

        var result = await ValidateAsync(broken, []);

        Assert.Contains("served", (string?)result["crdError"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_and_a_full_object_from_our_types_satisfy_the_CRD_schema()
    {
        var sample = YamlJson.Single(File.ReadAllText(Path.Combine(RepoPaths.Crds, "samples", "secretcluster.yaml")));
        var full = JsonNode.Parse(KubeJson.Serialize(new SecretCluster
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "full", NamespaceProperty = "ns" },
            Spec = new SecretClusterSpec
            {
                Replicas = 5,
                Threshold = 3,
                Refresh = new RefreshSpec { Schedule = "0 3 * * *" },
                Image = "secretfleet/node:1.0",
                Storage = new StorageSpec { Size = "2Gi", StorageClassName = "fast" },
                Resources = new ResourceRequirements { Limits = new Dictionary<string, Quantity> { ["cpu"] = "500m", ["memory"] = "256Mi" } },
                IssuerRef = new IssuerRef { Name = "corp-ca", Kind = IssuerKind.ClusterIssuer },
                DeletionPolicy = DeletionPolicy.Delete,
            },
            Status = new SecretClusterStatus
            {
                ObservedGeneration = 2,
                Phase = SecretClusterPhase.Refreshing,
                ReadyReplicas = 5,
                Epoch = 7,
                LastRefreshTime = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture),
                Refresh = new RefreshStatus { Id = "r-8", TargetEpoch = 8, Phase = RefreshPhase.Committing, Decision = RefreshDecision.Commit, Participants = [0, 1, 2, 3, 4] },
                Conditions = [new Models.Condition { Type = Conditions.Ready, Status = Models.ConditionStatus.True, Reason = Conditions.Reasons.AllNodesReady, Message = "5/5 nodes ready" }],
            },
        }))!;

        var result = await ValidateAsync(CheckedInCrd, [("sample", sample), ("full", full)]);

        foreach (var o in result["objects"]!.AsArray())
        {
            Assert.True((bool)o!["valid"]!, $"{o["name"]}: {o["errors"]}");
        }
    }

    [Theory]
    [InlineData("""{"replicas":"three"}""", "replicas")]
    [InlineData("""{"refresh":{"interval":"ten minutes"}}""", "interval")]
    [InlineData("""{"deletionPolicy":"Shred"}""", "deletionPolicy")]
    [InlineData("""{"replicas":256}""", "replicas")]
    [InlineData("""{"storage":{"size":"lots"}}""", "size")]
    public async Task Schema_rejects_a_wrong_spec_and_names_the_field(string spec, string field)
    {
        var obj = new JsonObject
        {
            ["apiVersion"] = "secretfleet.io/v1alpha1",
            ["kind"] = "SecretCluster",
            ["metadata"] = new JsonObject { ["name"] = "bad" },
            ["spec"] = JsonNode.Parse(spec),
        };

        var result = await ValidateAsync(CheckedInCrd, [("bad", obj)]);

        var verdict = result["objects"]![0]!;
        Assert.False((bool)verdict["valid"]!);
        Assert.Contains(field, (string?)verdict["errors"], StringComparison.Ordinal);
    }

    private static async Task<JsonObject> ValidateAsync(JsonObject crd, IReadOnlyList<(string Name, JsonNode Object)> objects)
    {
        var input = new JsonObject
        {
            ["crd"] = crd.DeepClone(),
            ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["object"] = o.Object.DeepClone() })]),
        };
        var output = await NodeRunner.RunAsync(Script, input.ToJsonString(), CancellationToken.None);
        return JsonNode.Parse(output)!.AsObject();
    }
}
